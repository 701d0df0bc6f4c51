//! End-to-end: the core on a real data directory with the bundled seed — import, persistence,
//! recovery, and search quality on the public dev set.

use longan_core::catalog::{CatalogError, SearchRequest};
use longan_core::{Cancellation, Core};
use longan_tests::{devset, seed};

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        limit: 10,
        ..SearchRequest::default()
    }
}

#[test]
fn first_open_imports_the_seed_and_reports_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Some(&seed())).unwrap();
    let (catalog, details) = core
        .open_outcome()
        .seeded
        .clone()
        .expect("seeded on first open");
    assert_eq!(catalog.added, 5605);
    assert_eq!(catalog.rejected.len(), 3);
    assert!(
        catalog
            .rejected
            .iter()
            .all(|r| r.line > 1 && r.reason.contains("malformed code"))
    );
    assert_eq!(details.updated, 22);
    assert!(details.rejected.is_empty(), "{:?}", details.rejected);
    assert!(core.procedure("1.001193").unwrap().details_available());
}

#[test]
fn reimporting_the_same_catalogue_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Some(&seed())).unwrap();
    let bytes = std::fs::read(seed().catalog_csv).unwrap();
    let again = core
        .import_catalog_csv(&bytes, &Cancellation::new())
        .unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 5605));
    // Details survive a re-import of the summary rows.
    assert!(core.procedure("1.001193").unwrap().details_available());
}

#[test]
fn the_catalogue_and_its_index_survive_reopening_without_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let before = Core::open(dir.path(), Some(&seed()))
        .unwrap()
        .search(&request("dang ky khai sinh"))
        .unwrap();
    let core = Core::open(dir.path(), None).unwrap();
    assert!(core.open_outcome().seeded.is_none());
    let after = core.search(&request("dang ky khai sinh")).unwrap();
    assert_eq!(before, after);
    assert_eq!(after.hits[0].name, "Thủ tục đăng ký khai sinh");
}

#[test]
fn a_damaged_cache_is_rebuilt_from_the_seed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(Core::open(dir.path(), Some(&seed())).unwrap());
    for entry in std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .flatten()
    {
        if entry.path().is_file() {
            std::fs::write(entry.path(), b"not a database at all").unwrap();
        }
    }
    let core = Core::open(dir.path(), Some(&seed())).unwrap();
    assert!(core.open_outcome().store.cache_rebuilt_because.is_some());
    assert!(core.open_outcome().seeded.is_some());
    assert_eq!(
        core.search(&request("1.001193")).unwrap().hits[0].code,
        "1.001193"
    );
}

#[test]
fn a_second_core_on_the_same_directory_is_refused_as_busy() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Core::open(dir.path(), None).unwrap();
    let second = Core::open(dir.path(), None)
        .err()
        .expect("second open must fail");
    assert_eq!(
        second,
        CatalogError::Store(longan_core::store::StoreError::Busy)
    );
}

#[test]
fn unknown_and_malformed_codes_get_distinct_errors() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Some(&seed())).unwrap();
    assert!(matches!(
        core.procedure("9.999999"),
        Err(CatalogError::NotFound { .. })
    ));
    assert!(matches!(
        core.procedure("1.0133611"),
        Err(CatalogError::InvalidInput { .. })
    ));
}

#[test]
fn fields_are_counted_in_vietnamese_alphabetical_order() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Some(&seed())).unwrap();
    let served = core.fields(false);
    let all = core.fields(true);
    assert!(
        served.iter().map(|f| f.count).sum::<usize>() < all.iter().map(|f| f.count).sum::<usize>()
    );
    assert_eq!(all.iter().map(|f| f.count).sum::<usize>(), 5605);
    let position = |name: &str| served.iter().position(|f| f.name == name).unwrap();
    assert!(position("Dân số, Bà mẹ - Trẻ em") < position("Đất đai"));
    assert!(position("Đất đai") < position("Hộ tịch"));
}

#[test]
fn the_dev_set_meets_its_quality_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Some(&seed())).unwrap();
    let queries = devset::load();
    assert!(
        queries.len() >= 150,
        "the dev set has {} queries",
        queries.len()
    );
    let evaluation = devset::evaluate(&queries, |query| {
        core.search(&request(query))
            .map(|r| r.hits.into_iter().map(|h| h.code).collect())
            .unwrap_or_default()
    });
    eprintln!("dev set quality (success@5, MRR):\n{}", evaluation.table());
    for (tag, query, top) in &evaluation.misses {
        eprintln!("miss [{tag}] {query} → {top:?}");
    }
    assert!(
        evaluation.overall.success_at_5 >= 0.95,
        "overall success@5 {:.3}",
        evaluation.overall.success_at_5
    );
    for (tag, quality) in &evaluation.by_tag {
        assert!(
            quality.queries >= 12,
            "tag {tag} has only {} queries",
            quality.queries
        );
        assert!(
            quality.success_at_5 >= 0.85,
            "tag {tag}: success@5 {:.3}",
            quality.success_at_5
        );
    }
}

/// Every alias of the synonym dictionary, searched alone, finds a procedure whose name holds
/// one of the alias's official wordings (or the alias itself) among the first ten hits.
#[test]
fn every_synonym_alias_finds_a_procedure_named_with_its_official_wording() {
    use longan_core::text::fold_key;
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Some(&seed())).unwrap();
    let dictionary =
        std::fs::read_to_string(longan_tests::data_dir().join("text/synonyms.tsv")).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in dictionary
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let Some((alias, replacements)) = line.split_once('\t') else {
            continue;
        };
        if replacements.trim() == "-" {
            continue;
        }
        // The alias itself may be how names are written too (`bảo hiểm y tế` beside `BHYT`).
        let wordings: Vec<String> = replacements
            .split('|')
            .chain(std::iter::once(alias))
            .map(|r| format!(" {} ", fold_key(r)))
            .collect();
        let results = core.search(&request(&format!("{alias} "))).unwrap();
        let found = results.hits.iter().any(|hit| {
            let name = format!(" {} ", fold_key(&hit.name));
            wordings.iter().any(|w| name.contains(w.as_str()))
        });
        if !found {
            failures.push(alias.to_string());
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} aliases");
    assert!(
        failures.is_empty(),
        "{} of {checked} aliases found nothing with their wording: {failures:?}",
        failures.len()
    );
}
