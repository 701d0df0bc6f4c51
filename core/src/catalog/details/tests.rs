//! Record-level tests: the 22 real records, hand-written edge cases and garbage.

use super::*;
use crate::catalog::model::Level;

const DETAILS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/tthc/details");

fn read(code: &str) -> String {
    let path = format!("{DETAILS_DIR}/{}.md", code.replace('.', "_"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn record(code: &str) -> ProcedureDetails {
    parse_detail_record(&read(code)).unwrap_or_else(|e| panic!("{code}: {e}"))
}

fn real_records() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(DETAILS_DIR)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .replace('_', ".");
            (stem, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// Minimal valid record around a given body.
fn synthetic(body: &str) -> String {
    format!("# Thủ tục thử\n\n## Thông tin chung\n\n* **Mã thủ tục:** 9.000001\n\n{body}")
}

#[test]
fn parses_every_real_record_with_its_file_code_a_name_and_a_channel() {
    let records = real_records();
    assert!(records.len() >= 22, "only {} records found", records.len());
    for (code, text) in records {
        let details = parse_detail_record(&text).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(details.code, code);
        assert!(!details.name.is_empty(), "{code}: empty name");
        assert!(!details.channels.is_empty(), "{code}: no channel");
        assert!(!details.steps.is_empty(), "{code}: no step");
        assert!(!details.document_cases.is_empty(), "{code}: no documents");
        assert!(!details.legal_bases.is_empty(), "{code}: no legal basis");
        assert!(!details.results.is_empty(), "{code}: no result");
        assert!(!details.levels.is_empty(), "{code}: no level");
    }
}

#[test]
fn reads_the_general_information_of_birth_registration() {
    let details = record("1.001193");
    assert_eq!(details.name, "Thủ tục đăng ký khai sinh");
    assert_eq!(details.decision_number.as_deref(), Some("163/QĐ-BTP"));
    assert_eq!(details.levels, [Level::Commune]);
    assert_eq!(
        details.kind.as_deref(),
        Some("TTHC được luật giao quy định chi tiết")
    );
    assert_eq!(details.field.as_deref(), Some("Hộ tịch"));
    assert_eq!(
        details.subjects,
        ["Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài"]
    );
    assert_eq!(details.competent_agency, None);
    assert_eq!(details.receiving_address, None);
    assert_eq!(details.authorised_agency, None);
    assert_eq!(details.coordinating_agency, None);
    assert!(details.related_procedures.is_empty());
    assert!(details.executing_agencies.is_empty());
    assert_eq!(details.conditions, None);
    assert!(details.keywords.is_empty());
    assert_eq!(details.description, None);
}

#[test]
fn parses_every_channel_with_time_unit_and_fees() {
    let details = record("1.001193");
    let kinds: Vec<_> = details.channels.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChannelKind::Online,
            ChannelKind::Postal,
            ChannelKind::Direct
        ]
    );
    for channel in &details.channels {
        assert_eq!(channel.processing_time_raw, "1 ngày");
        let time = channel.processing_time.unwrap();
        assert_eq!((time.amount, time.unit), (1.0, TimeUnit::Days));
        assert_eq!(channel.fees_raw, None);
        assert!(channel.fees.is_empty());
        assert_eq!(channel.description, None);
    }

    let working = record("3.000285").channels[0].processing_time.unwrap();
    assert_eq!((working.amount, working.unit), (3.0, TimeUnit::WorkingDays));

    let not_stated = &record("2.000635").channels[0];
    assert_eq!(not_stated.processing_time_raw, "N/A");
    assert_eq!(not_stated.processing_time, None);

    // `<br>` in a cell is a line break of the published text.
    let joint = record("2.000986");
    let description = joint.channels[0].description.as_deref().unwrap();
    assert!(description.starts_with("- Thời hạn thực hiện liên thông"));
    assert_eq!(description.lines().count(), 4);

    // The same channel may be listed twice, with different times.
    let times: Vec<_> = record("1.010041")
        .channels
        .iter()
        .map(|c| c.processing_time_raw.clone())
        .collect();
    assert_eq!(times, ["1 ngày làm việc", "3 ngày làm việc"]);
}

#[test]
fn reads_fee_amounts_where_a_record_states_them() {
    // None of the 22 real records states a fee, so the shape is written here.
    let text = synthetic(
        "## Cách thức thực hiện\n\n\
         | Hình thức nộp | Thời gian giải quyết | Phí, lệ phí | Mô tả |\n\
         | --- | --- | --- | --- |\n\
         | Trực tiếp | 5 ngày làm việc | Lệ phí: 8.000 đồng<br>Phí cấp bản sao: 3.000 đồng/bản | Tại UBND xã |\n\
         | Trực tuyến | Trong ngày | Miễn lệ phí | Không có thông tin |\n\
         | Dịch vụ bưu chính | 2 tháng | Theo quy định | Không có thông tin |\n",
    );
    let channels = parse_detail_record(&text).unwrap().channels;
    assert_eq!(channels.len(), 3);

    let direct = &channels[0];
    assert_eq!(
        direct.fees_raw.as_deref(),
        Some("Lệ phí: 8.000 đồng\nPhí cấp bản sao: 3.000 đồng/bản")
    );
    let amounts: Vec<_> = direct.fees.iter().map(|f| f.amount_vnd).collect();
    assert_eq!(amounts, [Some(8_000), Some(3_000)]);
    assert_eq!(
        direct.fees[1].description,
        "Phí cấp bản sao: 3.000 đồng/bản"
    );

    let online = &channels[1];
    assert_eq!(online.processing_time_raw, "Trong ngày");
    assert_eq!(online.processing_time, None);
    assert_eq!(online.fees[0].description, "Miễn lệ phí");
    assert_eq!(online.fees[0].amount_vnd, Some(0));
    assert_eq!(online.description, None);

    let postal = &channels[2];
    assert_eq!(
        postal.processing_time.map(|t| t.unit),
        Some(TimeUnit::Months)
    );
    assert_eq!(postal.fees[0].amount_vnd, None);
}

#[test]
fn groups_documents_into_named_cases_with_originals_and_copies() {
    let cases = record("1.001193").document_cases;
    let names: Vec<_> = cases.iter().map(|c| c.name.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("Giấy tờ phải nộp"),
            Some("Giấy tờ phải xuất trình"),
            Some("Lưu ý"),
            None
        ]
    );
    assert_eq!(cases[0].items.len(), 5);
    let certificate = &cases[0].items[4];
    assert!(certificate.name.starts_with("- Giấy chứng sinh;"));
    assert_eq!((certificate.originals, certificate.copies), (1, 0));
    assert!(certificate.forms.is_empty());
    assert_eq!(cases[3].items.len(), 3);
    assert!(
        cases[2]
            .items
            .iter()
            .all(|i| i.originals == 0 && i.copies == 0)
    );

    let vessel = record("1.000010").document_cases;
    let copies: Vec<_> = vessel[0]
        .items
        .iter()
        .map(|i| (i.originals, i.copies))
        .collect();
    assert_eq!(copies, [(1, 0), (1, 1)]);

    let lock = record("3.000285").document_cases;
    assert_eq!(lock[0].name, None);
    assert_eq!(
        lock[0].items[0].forms,
        ["TK03-Phiunghkhamkhatikhonnhdanhintcnccint.docx"]
    );

    let split = record("1.010038").document_cases;
    assert_eq!(split[0].name.as_deref(), Some("Lưu ý"));
    assert_eq!(
        split[2].name.as_deref(),
        Some("Tách hộ để đăng ký thường trú tại cùng một chỗ ở hợp pháp, hồ sơ gồm")
    );
    assert_eq!(
        split[1].items[0].forms,
        ["1.MuCT01banhnhkmtheoThngts53 (3).doc"]
    );
}

#[test]
fn reads_legal_bases_and_result_codes() {
    let details = record("1.001193");
    assert_eq!(details.legal_bases.len(), 15);
    let decree = details
        .legal_bases
        .iter()
        .find(|basis| basis.number.as_deref() == Some("123/2015/NĐ-CP"))
        .unwrap();
    assert!(decree.title.starts_with("Nghị định số 123/2015/NĐ-CP"));
    assert!(
        details
            .legal_bases
            .iter()
            .any(|basis| { basis.number.as_deref() == Some("Thông tư số 03/2023/TT-BTP") })
    );
    assert_eq!(
        details.results,
        [ResultDocument {
            name: "Giấy khai sinh".into(),
            code: Some("KQ.G15.000031".into()),
        }]
    );

    let joint = record("2.000986");
    let codes: Vec<_> = joint
        .results
        .iter()
        .filter_map(|r| r.code.as_deref())
        .collect();
    assert_eq!(
        codes,
        [
            "KQ.G01.000067",
            "KQ.G01.000065",
            "KQ.G15.000031",
            "KQ.G18.000047"
        ]
    );
    assert_eq!(
        joint.results[0].name,
        "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú)"
    );

    let vessel = record("1.000010");
    assert_eq!(vessel.results.len(), 1);
    assert_eq!(vessel.results[0].code.as_deref(), Some("KQ.G04.000352"));
    assert!(vessel.results[0].name.ends_with("môi trường tàu biển."));
}

#[test]
fn reads_numbered_steps_with_their_continuation_lines() {
    let vessel = record("1.000010").steps;
    assert_eq!(vessel.len(), 2);
    assert!(vessel[0].starts_with("a) Nộp hồ sơ TTHC\nTổ chức, cá nhân"));
    assert!(vessel[1].starts_with("b) Giải quyết TTHC\n-  Chi cục Đăng kiểm"));

    let birth = record("1.001193").steps;
    assert_eq!(birth.len(), 1);
    assert!(birth[0].lines().count() > 20);
    assert!(birth[0].lines().all(|line| line == line.trim()));

    let late_birth = record("1.004884").steps;
    assert_eq!(late_birth.len(), 2);
    assert!(late_birth[1].starts_with("* Lưu ý:"));
}

#[test]
fn splits_subjects_agencies_and_levels_that_contain_commas() {
    let vessel = record("1.000010");
    assert!(
        vessel
            .subjects
            .contains(&"Cán bộ, công chức, viên chức".to_owned())
    );
    assert!(
        vessel
            .subjects
            .contains(&"Tổ chức (không bao gồm doanh nghiệp, HTX)".to_owned())
    );
    assert_eq!(vessel.levels, [Level::Ministry]);

    let licence = record("3.000348");
    assert_eq!(
        licence.executing_agencies,
        ["Công an cấp Xã", "Cục cảnh sát giao thông", "Công an tỉnh"]
    );
    assert_eq!(licence.levels, [Level::Province, Level::Ministry]);
    assert_eq!(record("2.000635").levels, [Level::Commune, Level::Province]);
    assert_eq!(
        record("1.000656").executing_agencies,
        ["Ủy ban Nhân dân xã, phường, thị trấn."]
    );
    assert_eq!(
        record("3.000285").competent_agency.as_deref(),
        Some("Cục cảnh sát quản lý hành chính về trật tự, xã hội")
    );
}

#[test]
fn treats_no_information_markers_as_absent_and_keeps_real_text() {
    let lock = record("3.000285");
    assert_eq!(lock.conditions, None); // "không"
    assert_eq!(lock.description, None);
    assert_eq!(record("2.001035").conditions, None); // "Không."
    let split = record("1.010038");
    assert!(
        split
            .conditions
            .as_deref()
            .unwrap()
            .starts_with("Thành viên hộ gia đình")
    );
    assert_eq!(split.competent_agency.as_deref(), Some("Công an cấp Xã"));
    assert_eq!(
        record("1.004194").receiving_address.as_deref(),
        Some("Công an cấp xã")
    );
}

#[test]
fn output_is_nfc_without_invisible_characters() {
    for code in ["1.001193", "1.000656", "2.001035", "1.014062"] {
        let dump = format!("{:?}", record(code));
        assert!(unicode_normalization::is_nfc(&dump), "{code} is not NFC");
        assert!(
            !dump.contains('\u{200E}') && !dump.contains("\\u{200e}"),
            "{code}"
        );
        assert!(!dump.contains('\u{A0}') && !dump.contains('\t'), "{code}");
    }
    let birth = record("1.001193");
    let note = &birth.document_cases[2].items;
    assert!(
        note.iter()
            .any(|i| i.name.contains("đăng ký hộ tịch lựa chọn nhận kết quả"))
    );
}

#[test]
fn tolerates_escaped_and_stray_pipes_crlf_and_missing_sections() {
    let text = synthetic(
        "## Căn cứ pháp lý\n\n\
         | Tên văn bản pháp lý | Mã văn bản |\n| --- | --- |\n\
         | Luật A | B | 1/2020/QH14 |\n\
         | Nghị định \\| sửa đổi | Không có thông tin |\n\n\
         ## Kết quả xử lý\n\n* Giấy phép\n  cấp lại (Mã: `KQ.1`)\n* (Mã: `KQ.2`)\n",
    )
    .replace('\n', "\r\n");
    let details = parse_detail_record(&text).unwrap();
    assert_eq!(details.legal_bases[0].title, "Luật A | B");
    assert_eq!(
        details.legal_bases[0].number.as_deref(),
        Some("1/2020/QH14")
    );
    assert_eq!(details.legal_bases[1].title, "Nghị định | sửa đổi");
    assert_eq!(details.legal_bases[1].number, None);
    assert_eq!(details.results[0].name, "Giấy phép\ncấp lại");
    assert_eq!(details.results[0].code.as_deref(), Some("KQ.1"));
    assert_eq!(details.results[1].name, "(Mã: `KQ.2`)");
    assert!(details.steps.is_empty() && details.channels.is_empty());
    assert!(details.document_cases.is_empty() && details.levels.is_empty());
}

#[test]
fn reports_empty_untitled_and_code_less_records() {
    assert_eq!(parse_detail_record(""), Err(DetailParseError::Empty));
    assert_eq!(
        parse_detail_record(" \n\u{200E}\r\n"),
        Err(DetailParseError::Empty)
    );
    assert_eq!(
        parse_detail_record("## Thông tin chung\n* **Mã thủ tục:** 1.001193"),
        Err(DetailParseError::MissingTitle)
    );
    assert_eq!(
        parse_detail_record("#   \n## Mô tả"),
        Err(DetailParseError::MissingTitle)
    );
    assert_eq!(
        parse_detail_record("# Tên\n\n## Mô tả\n\nabc"),
        Err(DetailParseError::MissingCode)
    );
    assert_eq!(
        parse_detail_record("# Tên\n## Thông tin chung\n* **Mã thủ tục:** Không có thông tin"),
        Err(DetailParseError::MissingCode)
    );
    for bad in [
        "1.0133611",
        "1.014955-Xoa",
        "2.009182739",
        "abc",
        "1.00119３",
    ] {
        let error = parse_detail_record(&format!(
            "# Tên\n## Thông tin chung\n* **Mã thủ tục:** {bad}"
        ))
        .unwrap_err();
        assert_eq!(
            error,
            DetailParseError::MalformedCode {
                code: bad.to_owned()
            }
        );
        assert!(error.to_string().contains(bad));
    }
    // Without its section, the code is still found among the other lines.
    let loose = parse_detail_record("# Tên\n## Mô tả\n* Mã thủ tục: `2.000986`").unwrap();
    assert_eq!(loose.code, "2.000986");
    let flat = parse_detail_record("# Tên\n- **Mã thủ tục**: 2.000986\n").unwrap();
    assert_eq!(flat.code, "2.000986");
}

#[test]
fn truncated_records_give_partial_data_or_an_error_but_never_panic() {
    for (code, text) in real_records() {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(131).collect();
        for end in boundaries {
            match parse_detail_record(&text[..end]) {
                Ok(details) => assert_eq!(details.code, code),
                Err(error) => assert!(
                    matches!(
                        error,
                        DetailParseError::Empty
                            | DetailParseError::MissingTitle
                            | DetailParseError::MissingCode
                            | DetailParseError::MalformedCode { .. }
                    ),
                    "{code}"
                ),
            }
        }
    }
}

#[test]
fn a_processing_time_too_large_for_its_type_is_refused_when_decoding() {
    // Found by the wire_json fuzz target: `1e39` decoded as infinity, was stored as `null`
    // and the cached record could no longer be read.
    let time = |amount: &str| {
        serde_json::from_str::<ProcessingTime>(&format!(
            r#"{{"amount": {amount}, "unit": "WorkingDays"}}"#
        ))
    };
    assert_eq!(time("0.5").unwrap().amount, 0.5);
    assert_eq!(time("3.4e38").unwrap().amount, 3.4e38);
    // The wording depends on serde_json's features, which other crates of the workspace
    // switch on (with `arbitrary_precision` the number itself is "out of range").
    for amount in ["1e39", "-1e39", "1e300"] {
        let error = time(amount).unwrap_err().to_string();
        assert!(
            error.contains("finite") || error.contains("out of range"),
            "{amount}: {error}"
        );
    }
    let stored = serde_json::to_string(&time("7").unwrap()).unwrap();
    assert_eq!(
        serde_json::from_str::<ProcessingTime>(&stored).unwrap(),
        time("7").unwrap()
    );
}

#[test]
fn garbage_of_markdown_fragments_never_panics() {
    #[rustfmt::skip]
    let fragments = [
        "# ", "## ", "### ", "#", "|", "||", "| --- |", "\\|", "\\", "* ", "**", "- ", "+ ",
        "1. ", "999999. ", "(", ")", "(Mã:", "`", ":", "Thông tin chung", "Mã thủ tục",
        "Cách thức thực hiện", "Thành phần hồ sơ", "Trực tuyến", "ngày làm việc", "đồng", "8.000",
        "1,5", "triệu", "99999999999999999999", "Không có thông tin", "\n", "\n", "\r", "\t",
        "\u{301}", "\u{200E}", "\u{FEFF}", "\u{0}", "ƣ", "ỹ", "𝔸", "<br>",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3_000 {
        let mut text = String::new();
        let length = (state % 60) as usize;
        for _ in 0..length {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(fragments[(state % fragments.len() as u64) as usize]);
        }
        if let Ok(details) = parse_detail_record(&text) {
            assert!(
                !details.name.is_empty() && details.code.len() == 8,
                "{text:?}"
            );
        }
        // Whatever follows a valid head, the head is still read.
        let details = parse_detail_record(&synthetic(&text)).unwrap();
        assert_eq!(details.code, "9.000001", "{text:?}");
    }
}

#[test]
fn binary_looking_and_huge_inputs_do_not_panic() {
    let noise: String = (0u32..5_000)
        .filter_map(|n| char::from_u32(n * 7919 % 0x11_0000))
        .collect();
    let _ = parse_detail_record(&noise);
    let _ = parse_detail_record(&synthetic(&noise));
    let wide = format!("| {} |", vec!["1"; 10_000].join(" | "));
    let _ = parse_detail_record(&synthetic(&format!(
        "## Thành phần hồ sơ\n{wide}\n## Căn cứ pháp lý\n{wide}"
    )));
    let deep = "(".repeat(10_000);
    let _ = parse_detail_record(&format!(
        "# {deep}\n## Thông tin chung\n* **Đối tượng thực hiện:** {deep}"
    ));
}

#[test]
fn reads_multi_line_general_information_values() {
    let text = "# Tên\n## Thông tin chung\n\
                * **Mã thủ tục:** 1.000001\n\
                * **Địa chỉ tiếp nhận HS:** Số 1\n  đường A\n\nKhông thuộc mục nào\n\
                * **Cơ quan phối hợp:**\n  Bộ Công an\n";
    let details = parse_detail_record(text).unwrap();
    assert_eq!(details.receiving_address.as_deref(), Some("Số 1\nđường A"));
    assert_eq!(details.coordinating_agency.as_deref(), Some("Bộ Công an"));
}
