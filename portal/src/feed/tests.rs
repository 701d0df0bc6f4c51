use super::*;

fn summary(code: &str) -> WireProcedure {
    WireProcedure {
        code: code.to_string(),
        name: format!("Thủ tục {code}"),
        field: "Hộ tịch".into(),
        publisher: "Bộ Tư pháp".into(),
        agencies: vec![],
        levels: vec![],
        province: None,
        source_url: String::new(),
    }
}

fn feed(count: usize) -> Feed {
    Feed::new((1..=count).map(|i| Entry {
        summary: summary(&format!("1.{i:06}")),
        details: None,
    }))
}

fn codes(page: &ChangesPage) -> Vec<&str> {
    page.upserts.iter().map(|p| p.code.as_str()).collect()
}

#[test]
fn a_snapshot_pages_through_every_code_once_and_ends_on_an_incremental_cursor() {
    let feed = feed(5);
    let first = feed.page(None, 2).unwrap();
    assert_eq!(codes(&first), ["1.000001", "1.000002"]);
    assert_eq!(first.next_cursor, "s1.0.1.000002");
    assert!(first.has_more && first.snapshot);
    let second = feed
        .page(Cursor::parse(&first.next_cursor).as_ref(), 3)
        .unwrap();
    assert_eq!(codes(&second), ["1.000003", "1.000004", "1.000005"]);
    assert!(!second.has_more && second.snapshot);
    assert_eq!(second.next_cursor, "c1.0");
}

#[test]
fn changes_carry_each_code_once_at_its_latest_state_in_sequence_order() {
    let mut feed = feed(5);
    let mut renamed = summary("1.000003");
    renamed.name = "mới".into();
    feed.upsert(summary("1.000004")); // 1
    feed.delete("1.000002"); // 2
    feed.upsert(renamed); // 3
    feed.upsert(summary("1.000004")); // 4
    feed.upsert(summary("2.000001")); // 5
    let first = feed.page(Some(&Cursor::Changes { seq: 0 }), 2).unwrap();
    assert_eq!(first.deletes, ["1.000002"]);
    assert_eq!(codes(&first), ["1.000003"]);
    assert_eq!(first.upserts[0].name, "mới");
    assert_eq!(first.next_cursor, "c1.3");
    assert!(first.has_more && !first.snapshot);
    let second = feed
        .page(Cursor::parse(&first.next_cursor).as_ref(), 2)
        .unwrap();
    assert_eq!(codes(&second), ["1.000004", "2.000001"]);
    assert_eq!(second.next_cursor, "c1.5");
    assert!(!second.has_more);
    let none = feed
        .page(Cursor::parse(&second.next_cursor).as_ref(), 2)
        .unwrap();
    assert!(none.upserts.is_empty() && none.deletes.is_empty() && !none.has_more);
    assert_eq!(none.next_cursor, "c1.5");
    assert_eq!(feed.len(), 5);
}

#[test]
fn expired_and_unknown_cursors_are_refused_but_snapshots_are_not() {
    let mut feed = feed(3);
    feed.upsert(summary("1.000001"));
    let snapshot = Cursor::Snapshot {
        head: 1,
        after: "1.000001".into(),
    };
    feed.expire_cursors();
    assert_eq!(
        feed.page(Some(&Cursor::Changes { seq: 0 }), 10),
        Err(FeedError::Expired)
    );
    assert!(feed.page(Some(&Cursor::Changes { seq: 1 }), 10).is_ok());
    assert_eq!(
        feed.page(Some(&Cursor::Changes { seq: 2 }), 10),
        Err(FeedError::Expired)
    );
    assert_eq!(
        codes(&feed.page(Some(&snapshot), 10).unwrap()),
        ["1.000002", "1.000003"]
    );
}

#[test]
fn touch_changes_the_asked_share_and_toggles_back() {
    let mut feed = feed(10);
    assert_eq!(feed.touch(30), 3);
    assert_eq!(feed.head(), 3);
    let page = feed.page(Some(&Cursor::Changes { seq: 0 }), 10).unwrap();
    assert_eq!(codes(&page), ["1.000001", "1.000004", "1.000007"]);
    assert!(page.upserts[0].name.ends_with(" (sửa đổi)"));
    feed.touch(30);
    assert_eq!(
        feed.entry("1.000001").unwrap().summary.name,
        "Thủ tục 1.000001"
    );
    assert_eq!(feed.touch(100), 10);
    assert_eq!(feed.touch(0), 0);
}
