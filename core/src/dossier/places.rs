//! Old place names on dossiers, written again with the units of after 1 July 2025: a receipt
//! from before the reorganisation names a district and a commune that no longer exist.

use crate::units::AdminUnits;

/// `text` (an agency or an address) with current unit names, when the old names map to one
/// current unit each; `None` when nothing changed or the mapping is ambiguous.
pub fn with_current_units(text: &str) -> Option<String> {
    let units = AdminUnits::bundled().ok()?;
    units
        .describe_old_address(text)
        .current_address
        .filter(|current| current != text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_tan_tru_address_is_written_with_the_current_units() {
        let current =
            with_current_units("Ấp 3, xã Bình Tịnh, huyện Tân Trụ, tỉnh Long An").unwrap();
        assert!(
            current.contains("Tân Trụ") && current.contains("Tây Ninh"),
            "{current}"
        );
        assert!(!current.contains("huyện"), "{current}");
    }
}
