//! The `longan` binary as a user runs it: exit codes, JSON shapes, first-use seeding.

use std::process::{Command, Output};

fn longan(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_longan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("LONGAN_SEED_DIR")
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
