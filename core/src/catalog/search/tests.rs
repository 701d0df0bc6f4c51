//! Search behaviour on the real national catalogue.

use std::sync::OnceLock;

use super::*;
use crate::app::DEFAULT_SYNONYMS;
use crate::catalog::CatalogError;
use crate::catalog::csv_import::parse_catalog_csv;
use crate::catalog::index::SearchIndex;
use crate::catalog::model::Level;
use crate::text::Synonyms;

fn fixture() -> &'static (SearchIndex, Synonyms) {
    static FIXTURE: OnceLock<(SearchIndex, Synonyms)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/tthc/national-catalog.csv"
        ))
        .unwrap();
        let procedures = parse_catalog_csv(&bytes).unwrap().procedures;
        (
            SearchIndex::build(&procedures),
            Synonyms::parse(DEFAULT_SYNONYMS).unwrap(),
        )
    })
}

fn find(query: &str) -> SearchResults {
    find_with(SearchRequest {
        query: query.into(),
        limit: 10,
        ..SearchRequest::default()
    })
}

fn find_with(request: SearchRequest) -> SearchResults {
    let (index, synonyms) = fixture();
    search(index, synonyms, &request).unwrap()
}

fn top(query: &str) -> String {
    find(query)
        .hits
        .first()
        .map(|h| h.name.clone())
        .unwrap_or_default()
}

#[test]
fn birth_registration_comes_first_however_it_is_typed() {
    for query in [
        "đăng ký khai sinh",
        "dang ky khai sinh",
        "DANG KY KHAI SINH",
        "đăng kí khai sinh",
        "ddawng kys khai sinh",
        "d9a8ng ky1 khai sinh",
    ] {
        assert_eq!(top(query), "Thủ tục đăng ký khai sinh", "{query}");
    }
}

#[test]
fn the_general_procedure_ranks_above_its_special_cases() {
    let results = find("đăng ký khai sinh");
    let foreign = results
        .hits
        .iter()
        .position(|h| h.name.contains("nước ngoài"));
    assert_eq!(results.hits[0].name, "Thủ tục đăng ký khai sinh");
    assert!(foreign.is_none_or(|p| p > 0));
}

#[test]
fn a_procedure_code_returns_that_procedure_first() {
    assert_eq!(find("1.001193").hits[0].code, "1.001193");
    assert_eq!(find("thủ tục 1.001193 là gì").hits[0].code, "1.001193");
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typing() {
    let results = find("đăng ký kết h");
    assert!(
        results
            .hits
            .iter()
            .take(3)
            .any(|h| h.name.to_lowercase().contains("kết hôn"))
    );
}

#[test]
fn another_provinces_variant_is_hidden_unless_asked_for() {
    // 1.115753 is published by UBND tỉnh Lạng Sơn.
    let query = "tặng cho quyền sử dụng đất cho Nhà nước mở rộng đường giao thông";
    assert!(!find(query).hits.iter().any(|h| h.code == "1.115753"));
    let all = find_with(SearchRequest {
        query: query.into(),
        limit: 10,
        all_provinces: true,
        ..SearchRequest::default()
    });
    assert!(all.hits.iter().any(|h| h.code == "1.115753"));
}

#[test]
fn highlights_cover_the_matched_words_in_the_display_name() {
    let hit = &find("dang ky khai sinh").hits[0];
    let chars: Vec<char> = hit.name.chars().collect();
    let highlighted: Vec<String> = hit
        .highlights
        .iter()
        .map(|(s, e)| chars[*s as usize..*e as usize].iter().collect())
        .collect();
    assert_eq!(highlighted, ["đăng ký khai sinh"]);
}

#[test]
fn paging_returns_consecutive_slices_of_one_ranking() {
    let queries = [
        "cấp giấy phép",
        "đăng ký",
        "dang ky tam tru cho nguoi o tro",
        "sổ đỏ",
        "giay phep lai xe",
    ];
    for query in queries {
        for all_provinces in [false, true] {
            let page = |offset: usize, limit: usize| {
                find_with(SearchRequest {
                    query: query.into(),
                    offset,
                    limit,
                    all_provinces,
                    ..SearchRequest::default()
                })
            };
            let total = page(0, 1).total;
            let whole: Vec<String> = page(0, 100).hits.into_iter().map(|h| h.code).collect();
            for size in [7, 10] {
                let mut paged: Vec<String> = Vec::new();
                for offset in (0..total.min(100)).step_by(size) {
                    let slice = page(offset, size);
                    assert_eq!(
                        slice.total, total,
                        "{query}: total differs at offset {offset}"
                    );
                    paged.extend(slice.hits.into_iter().map(|h| h.code));
                }
                paged.truncate(100);
                assert_eq!(
                    paged, whole,
                    "{query} (all provinces: {all_provinces}), pages of {size}"
                );
            }
        }
    }
}

#[test]
fn every_spelling_of_a_field_reaches_the_same_procedures() {
    // The catalogue publishes one field as `Thi đua – Khen thưởng`, `Thi đua - khen thưởng`,
    // `Thi đua, khen thưởng` and `Thi đua khen thưởng`.
    let browse = |field: &str| {
        find_with(SearchRequest {
            field: Some(field.into()),
            limit: 10,
            all_provinces: true,
            ..SearchRequest::default()
        })
    };
    let totals: Vec<usize> = [
        "Thi đua – Khen thưởng",
        "Thi đua - khen thưởng",
        "Thi đua, khen thưởng",
        "Thi đua khen thưởng",
    ]
    .iter()
    .map(|f| browse(f).total)
    .collect();
    assert!(
        totals.windows(2).all(|pair| pair[0] == pair[1]),
        "{totals:?}"
    );
    assert!(totals[0] > 25, "{totals:?}");
}

#[test]
fn filters_narrow_by_field_agency_and_level() {
    let by_field = find_with(SearchRequest {
        query: "cấp".into(),
        limit: 100,
        field: Some("ho tich".into()),
        ..SearchRequest::default()
    });
    assert!(by_field.total > 0 && by_field.hits.iter().all(|h| h.field == "Hộ tịch"));
    let browse = find_with(SearchRequest {
        query: String::new(),
        limit: 5,
        field: Some("Hộ tịch".into()),
        ..SearchRequest::default()
    });
    assert!(browse.total >= by_field.total);
    let by_level = find_with(SearchRequest {
        query: "khai sinh".into(),
        limit: 10,
        level: Some(Level::Commune),
        ..SearchRequest::default()
    });
    assert!(by_level.total > 0);
    let by_agency = find_with(SearchRequest {
        query: "cấp".into(),
        limit: 10,
        agency: Some("công an cấp xã".into()),
        ..SearchRequest::default()
    });
    assert!(by_agency.total > 0 && by_agency.total < find("cấp").total);
}

#[test]
fn bad_requests_get_typed_errors() {
    let (index, synonyms) = fixture();
    let request = |query: &str, limit: usize, field: Option<&str>| SearchRequest {
        query: query.into(),
        limit,
        field: field.map(String::from),
        ..SearchRequest::default()
    };
    for bad in [
        request("", 10, None),
        request("x", 0, None),
        request("x", 101, None),
        request("x", 10, Some("không có")),
        request(&"a".repeat(501), 10, None),
    ] {
        assert!(
            matches!(
                search(index, synonyms, &bad),
                Err(CatalogError::InvalidInput { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn nonsense_and_punctuation_find_nothing_without_failing() {
    assert_eq!(find("zzzqqq xxyyz").total, 0);
    assert_eq!(find("!!! ??? ...").total, 0);
}

/// A small deterministic generator, so the test needs no extra crate and fails reproducibly.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_queries_never_panic_and_highlights_stay_inside_names() {
    let alphabet: Vec<char> = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƯ0123456789 .-,/()\"'\t\n\u{1b}\u{300}\u{301}\u{303}\u{309}\u{323}\u{200b}ƣ😀"
        .chars()
        .collect();
    let mut random = XorShift(0x5eed_1234_abcd_0001);
    for _ in 0..3000 {
        let len = random.below(40);
        let query: String = (0..len)
            .map(|_| alphabet[random.below(alphabet.len())])
            .collect();
        let request = SearchRequest {
            query: query.clone(),
            offset: random.below(30),
            limit: 1 + random.below(100),
            all_provinces: random.below(2) == 1,
            ..SearchRequest::default()
        };
        let (index, synonyms) = fixture();
        let Ok(results) = search(index, synonyms, &request) else {
            continue;
        };
        assert!(results.hits.len() <= request.limit, "{query:?}");
        for hit in &results.hits {
            let length = hit.name.chars().count() as u32;
            for (start, end) in &hit.highlights {
                assert!(start < end && *end <= length, "{query:?} → {hit:?}");
            }
        }
    }
}
