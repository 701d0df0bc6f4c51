//! The `longan-portal` binary: where it listens, and its request log.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

/// Kills the portal when the test ends, even when it fails.
struct Portal(Child);

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_where_it_listens_and_logs_requests_by_route_without_path_values_query_or_headers()
 {
    let child = Command::new(env!("CARGO_BIN_EXE_longan-portal"))
        .arg("--data-dir")
        .arg(common::seed_dir())
        .args(["--port", "0", "--min-client-version", "0.3.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut portal = Portal(child);
    let mut line = String::new();
    let mut stdout = BufReader::new(portal.0.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let url = line
        .strip_prefix("listening on http://127.0.0.1:")
        .expect(&line);
    assert!(url.trim_end().parse::<u16>().is_ok(), "{line}");
    let url = format!("http://127.0.0.1:{}", url.trim_end());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let statuses = runtime.block_on(async {
        let client = common::client();
        let secret = client.get(format!("{url}/v1/catalog/changes?cursor=secret-cursor"));
        let old = client.get(format!("{url}/v1/catalog/procedures/1.001193"));
        let old = old.header("X-Client-Version", "0.2.9");
        let dossier = client
            .get(format!("{url}/v1/dossiers/000.00.00.H39-990101-9999"))
            .header("X-Dossier-Verifier", "7391")
            .header("X-Client-Id", "install-5f2e");
        [
            secret.send().await.unwrap(),
            old.send().await.unwrap(),
            dossier.send().await.unwrap(),
        ]
        .map(|r| r.status().as_u16())
    });
    assert_eq!(statuses, [400, 426, 404]);

    let _ = portal.0.kill();
    let _ = portal.0.wait();
    let mut log = String::new();
    let mut stderr = portal.0.stderr.take().unwrap();
    stderr.read_to_string(&mut log).unwrap();
    assert!(log.contains("GET /v1/catalog/changes 400 "), "{log}");
    assert!(
        log.contains("GET /v1/catalog/procedures/{code} 426 "),
        "{log}"
    );
    assert!(!log.contains("secret"), "the query is never logged: {log}");
    assert!(!log.contains("0.2.9"), "headers are never logged: {log}");
    assert!(log.contains("GET /v1/dossiers/{code} 404 "), "{log}");
    assert!(
        !log.contains("H39-990101"),
        "dossier codes are never logged: {log}"
    );
    assert!(!log.contains("7391"), "verifiers are never logged: {log}");
    assert!(!log.contains("5f2e"), "client ids are never logged: {log}");
}
