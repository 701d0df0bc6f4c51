//! Offsets for Kotlin and Swift strings, which index by UTF-16 code unit.

/// Converts ranges in Unicode scalar values into UTF-16 code units of the same text. Ranges
/// past the end are clamped.
pub(crate) fn utf16_ranges(text: &str, ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    // Offsets of each scalar value's start, plus the end.
    let mut starts = Vec::with_capacity(text.len() + 1);
    let mut offset = 0u32;
    for c in text.chars() {
        starts.push(offset);
        offset += c.len_utf16() as u32;
    }
    starts.push(offset);
    let at = |index: u32| starts[(index as usize).min(starts.len() - 1)];
    ranges
        .iter()
        .map(|&(start, end)| (at(start), at(end)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters_count_one_unit_each_in_nfc() {
        assert_eq!(
            utf16_ranges("Đăng ký", &[(0, 4), (5, 7)]),
            vec![(0, 4), (5, 7)]
        );
    }

    #[test]
    fn a_letter_outside_the_basic_plane_counts_two_units() {
        // U+1D400 (mathematical bold A) is a surrogate pair in UTF-16.
        assert_eq!(utf16_ranges("𝐀 ký", &[(2, 4)]), vec![(3, 5)]);
    }

    #[test]
    fn ranges_past_the_end_are_clamped() {
        assert_eq!(utf16_ranges("ab", &[(1, 9)]), vec![(1, 2)]);
    }
}
