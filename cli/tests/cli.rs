//! The `longan` binary as a user runs it: exit codes, JSON shapes, first-use seeding.

use std::process::{Command, Output};

fn longan(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_longan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("LONGAN_SEED_DIR")
        .env_remove("LONGAN_OIDC_ISSUER")
        .env_remove("LONGAN_LANG")
        .output()
        .expect("run longan")
}

fn stdout_json(output: &Output) -> serde_json::Value {
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(
        text.trim().lines().count(),
        1,
        "exactly one JSON line: {text}"
    );
    serde_json::from_str(text.trim()).unwrap()
}

fn stderr_json(output: &Output) -> serde_json::Value {
    serde_json::from_str(String::from_utf8_lossy(&output.stderr).trim()).unwrap()
}

#[test]
fn a_fresh_data_directory_is_seeded_and_answers_birth_registration_first() {
    let dir = tempfile::tempdir().unwrap();
    let output = longan(
        dir.path(),
        &["search", "--json", "dang", "ky", "khai", "sinh"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = stdout_json(&output);
    assert_eq!(json["query"], "dang ky khai sinh");
    assert!(json["total"].as_u64().unwrap() > 1);
    let first = &json["hits"][0];
    assert_eq!(first["code"], "1.001193");
    assert_eq!(first["name"], "Thủ tục đăng ký khai sinh");
    assert_eq!(first["field"], "Hộ tịch");
    assert!(first["score"].as_f64().is_some());
    // Offsets count Unicode scalar values of `name`.
    let name: Vec<char> = first["name"].as_str().unwrap().chars().collect();
    let range = &first["highlights"][0];
    let (start, end) = (
        range[0].as_u64().unwrap() as usize,
        range[1].as_u64().unwrap() as usize,
    );
    assert_eq!(
        name[start..end].iter().collect::<String>(),
        "đăng ký khai sinh"
    );
}

#[test]
fn human_search_output_lists_numbered_hits_with_diacritics() {
    let dir = tempfile::tempdir().unwrap();
    let output = longan(
        dir.path(),
        &["search", "--limit", "3", "ddawng", "kys", "keets", "hoon"],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("đọc là “đăng ký kết hôn”"), "{text}");
    assert!(text.lines().nth(1).unwrap().contains("kết hôn"), "{text}");
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn show_prints_the_full_record_and_unknown_codes_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let output = longan(dir.path(), &["show", "1.001193"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "Thủ tục đăng ký khai sinh",
        "Cách thức thực hiện",
        "Thành phần hồ sơ",
        "123/2015/NĐ-CP",
        "Giấy khai sinh",
    ] {
        assert!(text.contains(expected), "missing {expected}");
    }
    let missing = longan(dir.path(), &["show", "--json", "9.999999"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(stderr_json(&missing)["error"]["category"], "not_found");
    assert!(missing.stdout.is_empty());
}

#[test]
fn bad_input_and_bad_flags_exit_two_with_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let malformed = longan(dir.path(), &["show", "--json", "1.0133611"]);
    assert_eq!(malformed.status.code(), Some(2));
    assert_eq!(
        stderr_json(&malformed)["error"]["category"],
        "invalid_input"
    );
    let bad_flag = longan(dir.path(), &["search", "--json", "--no-such-flag", "x"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    assert_eq!(stderr_json(&bad_flag)["error"]["category"], "usage");
    let bad_page = longan(dir.path(), &["search", "--json", "--limit", "0", "x"]);
    assert_eq!(bad_page.status.code(), Some(2));
    let text = String::from_utf8_lossy(&bad_page.stderr);
    assert!(!text.contains("panicked") && !text.contains("backtrace"));
}

#[test]
fn a_search_without_hits_exits_one_and_still_prints_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let output = longan(dir.path(), &["search", "--json", "zzzqqq"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout_json(&output)["total"], 0);
}

#[test]
fn fields_are_listed_with_counts() {
    let dir = tempfile::tempdir().unwrap();
    let output = longan(dir.path(), &["fields", "--json"]);
    let json = stdout_json(&output);
    let fields = json["fields"].as_array().unwrap();
    assert!(fields.len() > 100);
    assert!(
        fields
            .iter()
            .any(|f| f["name"] == "Hộ tịch" && f["count"].as_u64().unwrap() > 10)
    );
}

#[test]
fn catalog_import_reports_counts_and_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mini.csv");
    std::fs::write(
        &csv,
        "Mã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực,URL\n\
         1.001193,Thủ tục đăng ký khai sinh,Bộ Tư pháp,Ủy ban nhân dân cấp xã,Hộ tịch,u\n\
         1.23,Mã hỏng,Bộ Tư pháp,,Hộ tịch,u\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let output = longan(
        &data,
        &["catalog", "import", "--json", csv.to_str().unwrap()],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = stdout_json(&output);
    assert_eq!(json["catalog"]["added"], 1);
    assert_eq!(json["catalog"]["rejected"][0]["line"], 3);
    // The explicit import is the whole catalogue: the bundled seed was not added.
    let search = longan(&data, &["search", "--json", "khai", "sinh"]);
    assert_eq!(stdout_json(&search)["total"], 1);
}

#[test]
fn an_unusable_data_directory_exits_six() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let output = longan(&file, &["search", "--json", "khai sinh"]);
    assert_eq!(output.status.code(), Some(6));
    assert_eq!(stderr_json(&output)["error"]["category"], "storage");
}

/// `longan serve` running in the background; killed when dropped.
struct Served {
    child: std::process::Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_longan"))
        .args(["serve", "--port", "0", "--test-control"])
        .env_remove("LONGAN_SEED_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run longan serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("the listening line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    Served { child, url }
}

#[test]
fn sync_with_a_served_portal_prints_its_figures_and_a_second_sync_is_not_modified() {
    let portal = serve();
    let dir = tempfile::tempdir().unwrap();
    let first = longan(dir.path(), &["--portal", &portal.url, "sync", "--json"]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report = stdout_json(&first);
    assert_eq!(report["not_modified"], false);
    assert!(report["upserts"].as_u64().unwrap() > 4000, "{report}");
    assert!(
        report["bytes_received"].as_u64().unwrap() > 100_000,
        "{report}"
    );
    assert!(report["requests"].as_u64().unwrap() >= 1);
    assert_eq!(report["deletes"], 0);

    let second = stdout_json(&longan(
        dir.path(),
        &["--portal", &portal.url, "sync", "--json"],
    ));
    assert_eq!(second["not_modified"], true);
    assert_eq!(second["requests"], 1);
    let search = stdout_json(&longan(
        dir.path(),
        &[
            "--portal",
            &portal.url,
            "search",
            "--json",
            "dang ky khai sinh",
        ],
    ));
    assert_eq!(search["hits"][0]["code"], "1.001193");
}

#[test]
fn sync_with_an_unreachable_portal_exits_three_as_offline() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let output = longan(dir.path(), &["--portal", &url, "sync", "--json"]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(stderr_json(&output)["error"]["category"], "offline");
    let without = longan(dir.path(), &["sync", "--json"]);
    assert_eq!(without.status.code(), Some(2));
}

#[test]
fn a_demo_dossier_is_tracked_followed_listed_offline_and_its_due_state_shown() {
    let dir = tempfile::tempdir().unwrap();
    let demo = stdout_json(&longan(dir.path(), &["demo-dossiers", "--json"]));
    let first = &demo["dossiers"][0];
    let code = first["code"].as_str().unwrap().to_string();
    let verifier = first["verifier"].as_str().unwrap().to_string();
    let typed = code.to_lowercase();

    let tracked = longan(
        dir.path(),
        &["track", "--json", "--verifier", &verifier, &typed],
    );
    assert_eq!(
        tracked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&tracked.stderr)
    );
    let tracked = stdout_json(&tracked);
    assert_eq!(tracked["code"], code.as_str());
    assert_eq!(tracked["status"], "registered");
    assert!(tracked["applicant"].as_str().unwrap().contains('*'));
    assert_eq!(tracked["followed"], false);

    let followed = stdout_json(&longan(dir.path(), &["follow", "--json", &code]));
    assert_eq!(followed["followed"], true);
    let list = stdout_json(&longan(dir.path(), &["dossiers", "--json"]));
    assert_eq!(list["dossiers"][0]["code"], code.as_str());
    assert!(list["dossiers"][0]["due"]["state"].is_string());
    let due = stdout_json(&longan(dir.path(), &["due", "--json", &code]));
    assert_eq!(due["code"], code.as_str());

    let wrong = if verifier == "0000" { "1111" } else { "0000" };
    let refused = longan(dir.path(), &["track", "--json", "--verifier", wrong, &code]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(stderr_json(&refused)["error"]["category"], "not_found");
    let garbage = longan(dir.path(), &["track", "--json", "--verifier", "1234", "??"]);
    assert_eq!(garbage.status.code(), Some(2));
    let unfollowed = stdout_json(&longan(dir.path(), &["unfollow", "--json", &code]));
    assert_eq!(unfollowed["followed"], false);
}

#[test]
fn due_for_a_procedure_code_estimates_the_result_date_in_working_days() {
    let dir = tempfile::tempdir().unwrap();
    let due = longan(dir.path(), &["due", "--json", "1.001193"]);
    assert_eq!(
        due.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&due.stderr)
    );
    let due = stdout_json(&due);
    assert_eq!(due["code"], "1.001193");
    assert!(due["submitted"].is_string());
    assert!(due["estimates"].is_array());
}

fn assert_ok(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn whoami_on_a_fresh_data_directory_is_signed_out_in_the_first_profile() {
    let dir = tempfile::tempdir().unwrap();
    let output = longan(dir.path(), &["whoami", "--json"]);
    assert_ok(&output);
    let session = stdout_json(&output);
    assert_eq!(session["state"], "signed_out");
    assert_eq!(session["is_demo"], false);
    assert!(session["display_name"].is_null() && session["subject"].is_null());
    assert_eq!(session["profile"]["name"], "Tôi");
    assert_eq!(session["profile"]["kind"], "own");
    assert!(
        session["profile"]["id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    let text = String::from_utf8(longan(dir.path(), &["whoami"]).stdout).unwrap();
    assert!(text.starts_with("Chưa đăng nhập"), "{text}");
}

#[test]
fn profiles_are_added_listed_switched_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let added = longan(
        dir.path(),
        &["profile", "add", "--json", "--assisted", "Bà Năm"],
    );
    assert_ok(&added);
    let added = stdout_json(&added);
    assert_eq!(added["name"], "Bà Năm");
    assert_eq!(added["kind"], "assisted");
    assert_eq!(added["current"], false);
    let id = added["id"].as_str().unwrap().to_string();

    let list = stdout_json(&longan(dir.path(), &["profile", "list", "--json"]));
    let profiles = list["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 2, "{list}");
    assert_eq!(profiles[0]["name"], "Tôi");
    assert_eq!(profiles[0]["current"], true);
    assert_eq!(profiles[1]["id"], id.as_str());
    let first = profiles[0]["id"].as_str().unwrap().to_string();
    assert_eq!(list["current"], first.as_str());

    assert_ok(&longan(dir.path(), &["profile", "switch", &id]));
    let session = stdout_json(&longan(dir.path(), &["whoami", "--json"]));
    assert_eq!(session["profile"]["id"], id.as_str());
    assert_eq!(session["profile"]["kind"], "assisted");

    let unknown = longan(
        dir.path(),
        &["profile", "switch", "--json", "no-such-profile"],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(stderr_json(&unknown)["error"]["category"], "not_found");
    let empty = longan(dir.path(), &["profile", "add", "--json", " "]);
    assert_eq!(empty.status.code(), Some(2));
    assert_eq!(stderr_json(&empty)["error"]["category"], "invalid_input");

    assert_ok(&longan(dir.path(), &["profile", "switch", &first]));
    assert_ok(&longan(dir.path(), &["profile", "remove", &id]));
    let list = stdout_json(&longan(dir.path(), &["profile", "list", "--json"]));
    assert_eq!(list["profiles"].as_array().unwrap().len(), 1, "{list}");
}

#[test]
fn the_demo_citizen_signs_in_and_logout_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let login = longan(dir.path(), &["login", "--demo", "--json"]);
    assert_ok(&login);
    assert_eq!(stdout_json(&login)["is_demo"], true);
    let session = stdout_json(&longan(dir.path(), &["whoami", "--json"]));
    assert_eq!(session["state"], "signed_in");
    assert_eq!(session["is_demo"], true);
    assert_eq!(session["subject"], "demo-citizen");
    assert!(session["display_name"].as_str().unwrap().contains('*'));

    let logout = longan(dir.path(), &["logout", "--json"]);
    assert_ok(&logout);
    let logout = stdout_json(&logout);
    assert_eq!(logout["profile_removed"], false);
    assert!(logout["revocation"].is_null() && logout["end_session_url"].is_null());
    let session = stdout_json(&longan(dir.path(), &["whoami", "--json"]));
    assert_eq!(session["state"], "signed_out");

    // No provider and no --demo: a usage error, not a sign-in failure.
    let bare = longan(dir.path(), &["login", "--json"]);
    assert_eq!(bare.status.code(), Some(2));
    assert_eq!(stderr_json(&bare)["error"]["category"], "usage");
}

#[test]
fn feedback_without_a_portal_is_queued_and_with_one_is_received() {
    let dir = tempfile::tempdir().unwrap();
    let sent = longan(
        dir.path(),
        &[
            "feedback",
            "send",
            "--json",
            "--category",
            "environment",
            "--text",
            "Rác thải đổ trộm ở ấp 3",
            "--lat",
            "10.54",
            "--lon",
            "106.41",
            "--contact-phone",
            "0912 345 678",
        ],
    );
    assert_ok(&sent);
    let sent = stdout_json(&sent);
    assert_eq!(sent["category"], "environment");
    assert_eq!(sent["status"]["state"], "queued");
    assert_eq!(sent["status"]["attempts"], 0);
    let id = sent["id"].as_u64().unwrap();

    let list = stdout_json(&longan(dir.path(), &["feedback", "list", "--json"]));
    let items = list["feedback"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["id"], id);
    assert_eq!(items[0]["status"]["state"], "queued");

    let bad = longan(
        dir.path(),
        &[
            "feedback",
            "send",
            "--json",
            "--category",
            "potholes",
            "--text",
            "x",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr_json(&bad)["error"]["category"], "invalid_input");
    let blank = longan(
        dir.path(),
        &[
            "feedback",
            "send",
            "--json",
            "--category",
            "other",
            "--text",
            "  ",
        ],
    );
    assert_eq!(blank.status.code(), Some(2));

    // With a portal, this one and the one waiting are delivered.
    let portal = serve();
    let delivered = longan(
        dir.path(),
        &[
            "--portal",
            &portal.url,
            "feedback",
            "send",
            "--json",
            "--category",
            "traffic",
            "--text",
            "Đèn giao thông hỏng ở ngã tư",
        ],
    );
    assert_ok(&delivered);
    let delivered = stdout_json(&delivered);
    assert_eq!(delivered["status"]["state"], "received", "{delivered}");
    assert!(
        delivered["status"]["id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    let list = stdout_json(&longan(dir.path(), &["feedback", "list", "--json"]));
    assert!(
        list["feedback"]
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["status"]["state"] == "received"),
        "{list}"
    );
}

#[test]
fn completing_a_sign_in_that_was_never_started_exits_five() {
    let dir = tempfile::tempdir().unwrap();
    let output = longan(
        dir.path(),
        &[
            "login",
            "--json",
            "--issuer",
            "http://127.0.0.1:1",
            "--complete",
            "http://127.0.0.1:1/callback?code=x&state=y",
        ],
    );
    assert_eq!(output.status.code(), Some(5));
    let error = stderr_json(&output);
    assert_eq!(error["error"]["category"], "auth");
    assert!(output.stdout.is_empty());
}

/// The authorization URL of `longan login --json`'s first line.
fn authorization_url(line: &str) -> String {
    let value: serde_json::Value =
        serde_json::from_str(line.trim()).unwrap_or_else(|_| panic!("not JSON: {line}"));
    value["authorization_url"]
        .as_str()
        .unwrap_or_else(|| panic!("no authorization_url: {line}"))
        .to_string()
}

/// What a browser does with the provider's redirect: one GET on the CLI's loopback listener.
/// Returns the whole answer.
fn follow_redirect(redirect: &str) -> String {
    use std::io::{Read, Write};
    let rest = redirect
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not a loopback redirect: {redirect}"));
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = std::net::TcpStream::connect(host).expect("the CLI listens");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8(answer).expect("a UTF-8 page")
}

#[test]
fn a_citizen_signs_in_through_the_browser_on_the_loopback_redirect_and_signs_out() {
    use longan_tests::oidc_fixture::OidcProvider;
    use std::io::{BufRead, BufReader, Read};

    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_longan"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "login",
            "--json",
            "--hint",
            "citizen-1",
            "--timeout-secs",
            "60",
        ])
        .args(["--issuer", provider.issuer()])
        .env_remove("LONGAN_SEED_DIR")
        .env_remove("LONGAN_OIDC_ISSUER")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run longan login");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the authorization URL");
    let url = authorization_url(&first);
    assert!(url.starts_with(provider.issuer()), "{url}");
    assert!(
        url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
        "{url}"
    );

    let redirect = provider
        .browse(&url)
        .unwrap_or_else(|error| panic!("{error}\n{}", provider.log()));
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    let page = follow_redirect(&redirect);
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains("Đăng nhập xong, bạn có thể đóng cửa sổ này."),
        "{page}"
    );

    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{rest}\n{stderr}");
    assert!(
        stderr.contains(&url),
        "the URL is shown to the person: {stderr}"
    );
    assert!(rest.contains("Trần Thị Lan"), "{rest}");
    let session: serde_json::Value = serde_json::from_str(rest.trim()).unwrap();
    assert_eq!(session["state"], "signed_in");
    assert_eq!(session["subject"], "citizen-1");
    assert_eq!(session["is_demo"], false);
    for text in [&first, &rest, &stderr] {
        assert!(
            !text.contains("access_token") && !text.contains("eyJ"),
            "{text}"
        );
    }

    let whoami = stdout_json(&longan(dir.path(), &["whoami", "--json"]));
    assert_eq!(whoami["state"], "signed_in");
    assert_eq!(whoami["display_name"], "Trần Thị Lan");

    // The data directory remembers the provider: logout needs no --issuer to revoke.
    let logout = longan(dir.path(), &["logout", "--json"]);
    assert_ok(&logout);
    let logout = stdout_json(&logout);
    assert_eq!(logout["revocation"], "sent", "{logout}");
    let end = logout["end_session_url"].as_str().unwrap();
    assert!(end.starts_with(provider.issuer()) && end.contains("client_id=longan-app"));
    assert!(!end.contains("id_token_hint"), "{end}");
    assert_eq!(provider.counts().revocations, 1);
    let whoami = stdout_json(&longan(dir.path(), &["whoami", "--json"]));
    assert_eq!(whoami["state"], "signed_out");
}

#[test]
fn a_sign_in_left_waiting_is_completed_with_the_pasted_redirect() {
    use longan_tests::oidc_fixture::OidcProvider;

    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let issuer = provider.issuer();
    // Nobody comes back within a second: exit 5, the flow stays waiting.
    let timed_out = longan(
        dir.path(),
        &["login", "--json", "--issuer", issuer, "--timeout-secs", "1"],
    );
    assert_eq!(timed_out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&timed_out.stderr);
    let error: serde_json::Value =
        serde_json::from_str(stderr.trim().lines().last().unwrap()).unwrap();
    assert_eq!(error["error"]["category"], "auth");

    let started = longan(
        dir.path(),
        &[
            "login",
            "--json",
            "--no-wait",
            "--issuer",
            issuer,
            "--hint",
            "citizen-2",
        ],
    );
    assert_ok(&started);
    let url = authorization_url(&String::from_utf8(started.stdout.clone()).unwrap());
    let waiting = stdout_json(&longan(dir.path(), &["whoami", "--json"]));
    assert_eq!(waiting["state"], "awaiting_redirect");

    // The listener is gone; the person pastes the address the browser was sent to.
    let redirect = provider.browse(&url).unwrap();
    let completed = longan(dir.path(), &["login", "--complete", &redirect]);
    assert_ok(&completed);
    let text = String::from_utf8(completed.stdout).unwrap();
    assert!(
        text.contains("Lê Văn Hùng") && text.contains("citizen-2"),
        "{text}"
    );
    // The code was single-use: the same redirect again is a sign-in failure.
    let again = longan(dir.path(), &["login", "--json", "--complete", &redirect]);
    assert_eq!(again.status.code(), Some(5));
    assert_eq!(stderr_json(&again)["error"]["category"], "auth");
    assert_ok(&longan(dir.path(), &["logout"]));
}

#[test]
fn a_followed_demo_dossier_that_moves_on_lands_in_the_inbox_in_either_language() {
    let dir = tempfile::tempdir().unwrap();
    let demo = stdout_json(&longan(dir.path(), &["demo-dossiers", "--json"]));
    let code = demo["dossiers"][0]["code"].as_str().unwrap().to_string();
    let verifier = demo["dossiers"][0]["verifier"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ok(&longan(
        dir.path(),
        &["track", "--verifier", &verifier, &code],
    ));
    assert_ok(&longan(dir.path(), &["follow", &code]));

    // The first refresh after a follow is a baseline.
    let baseline = longan(dir.path(), &["refresh", "--json"]);
    assert_ok(&baseline);
    let baseline = stdout_json(&baseline);
    assert_eq!(baseline["refreshed"], 1, "{baseline}");
    assert_eq!(baseline["notified"], 0, "{baseline}");
    assert!(baseline["failure"].is_null());
    let empty = stdout_json(&longan(dir.path(), &["inbox", "--json"]));
    assert_eq!(empty["notifications"].as_array().unwrap().len(), 0);
    assert_eq!(empty["unread"], 0);

    let advanced = longan(dir.path(), &["demo", "advance", "--json", "30"]);
    assert_ok(&advanced);
    assert_eq!(stdout_json(&advanced)["advanced_minutes"], 30);
    let moved = longan(dir.path(), &["refresh", "--json", "--budget-secs", "10"]);
    assert_ok(&moved);
    let moved = stdout_json(&moved);
    let notified = moved["notified"].as_u64().unwrap();
    assert!(notified >= 1, "{moved}");
    assert_eq!(moved["unread"], notified);
    assert!(moved["next_wakeup_ms"].is_null() || moved["next_wakeup_ms"].is_i64());

    let vi = stdout_json(&longan(dir.path(), &["inbox", "--json"]));
    assert_eq!(vi["language"], "vi");
    assert_eq!(vi["unread"], notified);
    let items = vi["notifications"].as_array().unwrap();
    assert_eq!(items.len() as u64, notified);
    let vietnamese = [
        "Hồ sơ đã thay đổi trạng thái",
        "Hồ sơ cần bổ sung giấy tờ",
        "Hồ sơ cần nộp phí, lệ phí",
        "Kết quả đã sẵn sàng",
        "Đã trả kết quả",
        "Ngày hẹn trả kết quả đã thay đổi",
    ];
    for item in items {
        let title = item["title"].as_str().unwrap();
        assert!(vietnamese.contains(&title), "{item}");
        assert_eq!(item["dossier_code"], code.as_str());
        assert!(item["procedure_code"].is_null());
        assert_eq!(item["read"], false);
        assert!(item["id"].as_str().unwrap().len() == 32);
        assert!(item["body"].as_str().unwrap().contains(&code));
    }
    let times: Vec<i64> = items.iter().map(|i| i["at_ms"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let en = stdout_json(&longan(dir.path(), &["inbox", "--json", "--lang", "en"]));
    assert_eq!(en["language"], "en");
    let en_items = en["notifications"].as_array().unwrap();
    assert_eq!(en_items.len(), items.len());
    for (english, vietnamese) in en_items.iter().zip(items) {
        assert_eq!(english["id"], vietnamese["id"]);
        let title = english["title"].as_str().unwrap();
        assert!(
            title.is_ascii() && title != vietnamese["title"],
            "{english}"
        );
    }

    let from_env = Command::new(env!("CARGO_BIN_EXE_longan"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["inbox", "--json"])
        .env_remove("LONGAN_SEED_DIR")
        .env("LONGAN_LANG", "en-GB")
        .output()
        .unwrap();
    assert_eq!(stdout_json(&from_env)["language"], "en");

    // People see one line per notification, a bullet for unread ones, and the count.
    let text = longan(dir.path(), &["inbox", "--limit", "1"]);
    assert_ok(&text);
    let text = String::from_utf8(text.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with('•'), "{text}");
    assert!(
        text.contains(&format!("{notified} thông báo chưa đọc")),
        "{text}"
    );

    let first = items[0]["id"].as_str().unwrap();
    let one = stdout_json(&longan(dir.path(), &["inbox", "read", "--json", first]));
    assert_eq!(one["unread"], notified - 1);
    let all = longan(dir.path(), &["inbox", "read", "--all", "--json"]);
    assert_ok(&all);
    assert_eq!(stdout_json(&all)["unread"], 0);
    assert_eq!(
        stdout_json(&longan(dir.path(), &["inbox", "--json"]))["unread"],
        0
    );

    let unknown = longan(dir.path(), &["inbox", "read", "--json", "nosuchid"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(stderr_json(&unknown)["error"]["category"], "not_found");
    let deleted = stdout_json(&longan(dir.path(), &["inbox", "delete", "--json", first]));
    assert_eq!(deleted["deleted"], true);
    let gone = longan(dir.path(), &["inbox", "delete", first]);
    assert_eq!(gone.status.code(), Some(1));
    let bad_lang = longan(dir.path(), &["inbox", "--lang", "fr"]);
    assert_eq!(bad_lang.status.code(), Some(2));

    // A reset starts the story again and forgets the old dossiers.
    assert_ok(&longan(dir.path(), &["demo", "reset"]));
    let after = stdout_json(&longan(dir.path(), &["dossiers", "--json"]));
    assert_eq!(after["dossiers"].as_array().unwrap().len(), 0, "{after}");
}

#[test]
fn a_refresh_that_reaches_nothing_exits_three_and_demo_commands_refuse_a_portal() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    // Nothing followed: nothing to ask, no network needed.
    let idle = longan(dir.path(), &["--portal", &url, "refresh", "--json"]);
    assert_ok(&idle);
    assert_eq!(stdout_json(&idle)["refreshed"], 0);

    let demo = stdout_json(&longan(dir.path(), &["demo-dossiers", "--json"]));
    let code = demo["dossiers"][0]["code"].as_str().unwrap().to_string();
    let verifier = demo["dossiers"][0]["verifier"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ok(&longan(
        dir.path(),
        &["follow", "--verifier", &verifier, &code],
    ));
    let offline = longan(dir.path(), &["--portal", &url, "refresh", "--json"]);
    assert_eq!(offline.status.code(), Some(3));
    assert_eq!(stderr_json(&offline)["error"]["category"], "offline");
    assert!(offline.stdout.is_empty());

    let refused = longan(dir.path(), &["--portal", &url, "demo", "advance", "5"]);
    assert_eq!(refused.status.code(), Some(2));
}
