//! Reading amounts out of free text: processing times and fees.

#![deny(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use super::model::{Fee, ProcessingTime, TimeUnit};
use super::text::{dedup_in_order, fold, is_absent, key};

/// Reads `<amount> <unit>` (e.g. `7 ngày làm việc`, `0,5 ngày`). Anything else (`N/A`,
/// `Trong ngày`, a sentence) gives `None`: the caller keeps the raw text.
pub(super) fn parse_processing_time(raw: &str) -> Option<ProcessingTime> {
    let folded = fold(raw);
    let (number, rest) = take_number(&folded);
    if number.is_empty() {
        return None;
    }
    let amount: f32 = number.replace(',', ".").parse().ok()?;
    if !amount.is_finite() {
        return None;
    }
    let unit = match key(rest).as_str() {
        "phut" => TimeUnit::Minutes,
        "gio" => TimeUnit::Hours,
        "gio lam viec" => TimeUnit::WorkingHours,
        "ngay" => TimeUnit::Days,
        "ngay lam viec" => TimeUnit::WorkingDays,
        "tuan" => TimeUnit::Weeks,
        "thang" => TimeUnit::Months,
        "nam" => TimeUnit::Years,
        _ => return None,
    };
    Some(ProcessingTime { amount, unit })
}

/// One [`Fee`] per line of the fees cell; a line holding several `;`-separated amounts is split.
pub(super) fn parse_fees(raw: &str) -> Vec<Fee> {
    raw.lines()
        .map(str::trim)
        .filter(|line| !is_absent(line))
        .flat_map(split_entry)
        .map(|description| Fee {
            amount_vnd: amount_of(&description),
            description,
        })
        .collect()
}

fn split_entry(entry: &str) -> Vec<String> {
    if tagged_amounts(&fold(entry)).len() > 1 {
        let parts: Vec<&str> = entry
            .split(';')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect();
        if parts.len() > 1
            && parts
                .iter()
                .all(|part| tagged_amounts(&fold(part)).len() == 1)
        {
            return parts.into_iter().map(str::to_owned).collect();
        }
    }
    vec![entry.to_owned()]
}

/// The amount an entry states. Several different amounts in one entry (a scale of charges)
/// are not guessed at: the description keeps them.
fn amount_of(entry: &str) -> Option<u64> {
    let folded = fold(entry);
    match tagged_amounts(&folded).as_slice() {
        [amount] => Some(*amount),
        [] => bare_amount(&folded).or_else(|| says_free(&folded).then_some(0)),
        _ => None,
    }
}

/// Distinct amounts written with a currency word: `8.000 đồng`, `50 nghìn đồng`, `1,5 triệu VNĐ`.
fn tagged_amounts(folded: &str) -> Vec<u64> {
    let mut amounts = Vec::new();
    let mut rest = folded;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let before = rest.get(..start).unwrap_or("");
        let (number, after) = take_number(rest.get(start..).unwrap_or(""));
        if number.is_empty() {
            break;
        }
        // Digits glued to letters belong to codes like `CT01`, not to prices.
        let glued = before
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if !glued && let Some(amount) = currency_amount(number, after) {
            amounts.push(amount);
        }
        rest = after;
    }
    dedup_in_order(amounts)
}

fn currency_amount(number: &str, after: &str) -> Option<u64> {
    let after = after.trim_start();
    let (multiplier, after) = if let Some(rest) = strip_word(after, "trieu") {
        (1_000_000, rest)
    } else if let Some(rest) = strip_word(after, "nghin").or_else(|| strip_word(after, "ngan")) {
        (1_000, rest)
    } else {
        (1, after)
    };
    let after = after.trim_start();
    ["dong", "vnd", "d"]
        .iter()
        .any(|word| strip_word(after, word).is_some())
        .then(|| vnd_value(number, multiplier))
        .flatten()
}

/// `Lệ phí: 50.000` or a bare `50000`: a number that is all there is after the label.
fn bare_amount(folded: &str) -> Option<u64> {
    let value = folded
        .rsplit(':')
        .next()
        .unwrap_or(folded)
        .trim()
        .trim_end_matches('.');
    match take_number(value) {
        (number, "") if !number.is_empty() => vnd_value(number, 1),
        _ => None,
    }
}

fn says_free(folded: &str) -> bool {
    [
        "mien phi",
        "mien le phi",
        "mien thu",
        "khong thu phi",
        "khong thu le phi",
        "khong mat phi",
        "khong phai nop",
    ]
    .iter()
    .any(|phrase| folded.contains(phrase))
}

/// Value of a number in đồng. `.` and `,` group thousands (`1.000.000`); with a multiplier word
/// one of them may also be a decimal mark (`1,5 triệu`). Overflow gives `None`.
fn vnd_value(number: &str, multiplier: u64) -> Option<u64> {
    let parts: Vec<&str> = number.split(['.', ',']).collect();
    let grouped = match parts.split_first() {
        Some((head, tail)) => {
            (1..=3).contains(&head.len()) && tail.iter().all(|group| group.len() == 3)
        }
        None => return None,
    };
    if parts.len() == 1 || grouped {
        let digits: String = parts.concat();
        return digits.parse::<u64>().ok()?.checked_mul(multiplier);
    }
    match parts.as_slice() {
        [whole, fraction] if multiplier > 1 => {
            let scale = 10u64.checked_pow(u32::try_from(fraction.len()).ok()?)?;
            let whole = whole.parse::<u64>().ok()?.checked_mul(multiplier)?;
            let fraction = fraction
                .parse::<u64>()
                .ok()?
                .checked_mul(multiplier)?
                .checked_div(scale)?;
            whole.checked_add(fraction)
        }
        _ => None,
    }
}

/// Splits off a leading number (digits, with `.`/`,` only between digits).
fn take_number(text: &str) -> (&str, &str) {
    let mut end = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let next_is_digit = chars.peek().is_some_and(|&(_, next)| next.is_ascii_digit());
        let separator = matches!(c, '.' | ',') && end > 0 && next_is_digit;
        if !(c.is_ascii_digit() || separator) {
            break;
        }
        end = index.saturating_add(c.len_utf8());
    }
    (
        text.get(..end).unwrap_or(""),
        text.get(end..).unwrap_or(text),
    )
}

fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    text.strip_prefix(word)
        .filter(|rest| !rest.chars().next().is_some_and(char::is_alphanumeric))
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]
#[allow(clippy::arithmetic_side_effects, clippy::string_slice)]
mod tests {
    use super::*;

    fn time(raw: &str) -> Option<(f32, TimeUnit)> {
        parse_processing_time(raw).map(|t| (t.amount, t.unit))
    }

    #[test]
    fn processing_times_read_amount_and_unit() {
        assert_eq!(time("7 ngày làm việc"), Some((7.0, TimeUnit::WorkingDays)));
        assert_eq!(time("1 ngày"), Some((1.0, TimeUnit::Days)));
        assert_eq!(
            time("03 Ngày làm việc."),
            Some((3.0, TimeUnit::WorkingDays))
        );
        assert_eq!(time("0,5 ngày"), Some((0.5, TimeUnit::Days)));
        assert_eq!(time("24 giờ"), Some((24.0, TimeUnit::Hours)));
        assert_eq!(time("2 tháng"), Some((2.0, TimeUnit::Months)));
    }

    #[test]
    fn processing_times_that_are_prose_stay_unparsed() {
        for raw in [
            "N/A",
            "Trong ngày",
            "",
            "ngày",
            "5",
            "5 ngày kể từ ngày nhận",
            "1.2.3 ngày",
        ] {
            assert_eq!(time(raw), None, "{raw:?}");
        }
    }

    fn amounts(raw: &str) -> Vec<Option<u64>> {
        parse_fees(raw).into_iter().map(|f| f.amount_vnd).collect()
    }

    #[test]
    fn fee_amounts_accept_the_usual_spellings() {
        assert_eq!(amounts("Lệ phí: 8.000 đồng"), [Some(8_000)]);
        assert_eq!(amounts("Lệ phí : 1.000.000 Đồng"), [Some(1_000_000)]);
        assert_eq!(amounts("Phí: 50,000 VNĐ/bản"), [Some(50_000)]);
        assert_eq!(amounts("100000đ"), [Some(100_000)]);
        assert_eq!(amounts("Lệ phí: 50 nghìn đồng"), [Some(50_000)]);
        assert_eq!(amounts("Lệ phí: 1,5 triệu đồng"), [Some(1_500_000)]);
        assert_eq!(amounts("Lệ phí: 20000"), [Some(20_000)]);
    }

    #[test]
    fn free_services_cost_zero_and_unknown_costs_stay_none() {
        assert_eq!(amounts("Miễn lệ phí"), [Some(0)]);
        assert_eq!(
            amounts("Lệ phí theo quy định tại Thông tư 85/2019/TT-BTC"),
            [None]
        );
        assert_eq!(amounts("Mẫu CT01, 2 bản"), [None]);
    }

    #[test]
    fn several_amounts_split_on_lines_and_semicolons_but_scales_stay_whole() {
        assert_eq!(
            amounts(
                "Lệ phí: 8.000 đồng<br>Phí: 3.000 đồng"
                    .replace("<br>", "\n")
                    .as_str()
            ),
            [Some(8_000), Some(3_000)]
        );
        assert_eq!(
            amounts("Lệ phí: 8.000 đồng; Phí: 3.000 đồng"),
            [Some(8_000), Some(3_000)]
        );
        assert_eq!(amounts("Từ 5.000 đồng đến 10.000 đồng"), [None]);
    }

    #[test]
    fn absurd_amounts_do_not_overflow() {
        assert_eq!(amounts("99999999999999999999999 đồng"), [None]);
        assert_eq!(amounts("9.999.999.999.999.999 triệu đồng"), [None]);
        assert_eq!(amounts("1,12345678901234567890 triệu đồng"), [None]);
    }
}
