//! Entity tags: how they are made, and the `If-None-Match` check (weak comparison, RFC 9110
//! §13.1.2).

use axum::http::HeaderMap;
use axum::http::header::IF_NONE_MATCH;

/// The tag of a feed page: the page for a URL is a function of its cursor, the limit and the
/// head, so the head and the limit validate it (`W/"h<head>-l<limit>"`).
///
/// Snapshot pages add `-s<start>` when changes were made since their snapshot started, so
/// that tag never matches an incremental page: a client that sends the last page's tag with
/// its `next_cursor` gets no false 304 for the changes made during its snapshot.
pub fn feed(head: u64, limit: u32, snapshot_start: Option<u64>) -> String {
    match snapshot_start {
        Some(start) if start != head => format!("W/\"h{head}-l{limit}-s{start}\""),
        _ => format!("W/\"h{head}-l{limit}\""),
    }
}

/// The tag of a body that is not versioned otherwise: a hash of its bytes.
pub fn of_body(body: &[u8]) -> String {
    format!("W/\"{:016x}\"", fnv1a(body))
}

/// The tag of a dossier: its version, and a hash of its code and of the epoch of the stories,
/// so that a tag kept from before a reset (when versions start again) never matches
/// (`W/"v<version>-<hash>"`).
pub fn dossier(code: &str, version: u64, epoch_ms: i64) -> String {
    let identity = format!("{code}@{epoch_ms}");
    format!("W/\"v{version}-{:016x}\"", fnv1a(identity.as_bytes()))
}

/// 64-bit FNV-1a: stable across builds and Rust versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
}

/// True when an `If-None-Match` header of the request names `tag` (or is `*`).
pub fn none_match_hits(headers: &HeaderMap, tag: &str) -> bool {
    let wanted = opaque(tag);
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.trim() == "*" || listed(value).any(|candidate| candidate == wanted))
}

/// The opaque part of a tag: without `W/`, with its quotes.
fn opaque(tag: &str) -> &str {
    let tag = tag.trim();
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// The opaque parts of a comma-separated list of tags; stops at the first malformed one.
fn listed(mut list: &str) -> impl Iterator<Item = &str> {
    std::iter::from_fn(move || {
        list = list.trim_start_matches([' ', '\t', ',']);
        let rest = list.strip_prefix("W/").unwrap_or(list);
        let inner = rest.strip_prefix('"')?;
        let end = inner.find('"')? + 2;
        let (tag, after) = rest.split_at(end);
        list = after;
        Some(tag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(IF_NONE_MATCH, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn weak_comparison_ignores_the_weak_marker_and_reads_lists() {
        let tag = feed(3, 500, None);
        assert_eq!(tag, "W/\"h3-l500\"");
        assert!(none_match_hits(&headers(&["W/\"h3-l500\""]), &tag));
        assert!(none_match_hits(&headers(&["\"h3-l500\""]), &tag));
        assert!(none_match_hits(&headers(&["\"x\", W/\"h3-l500\""]), &tag));
        assert!(none_match_hits(&headers(&["\"x\"", "W/\"h3-l500\""]), &tag));
        assert!(none_match_hits(&headers(&["*"]), &tag));
        assert!(!none_match_hits(&headers(&["W/\"h3-l50\""]), &tag));
        assert!(!none_match_hits(&headers(&["h3-l500"]), &tag));
        assert!(!none_match_hits(&HeaderMap::new(), &tag));
    }

    #[test]
    fn dossier_tags_carry_the_version_and_differ_by_dossier_and_epoch() {
        let tag = dossier("000.00.27.H39-251128-0001", 3, 1_000);
        assert!(tag.starts_with("W/\"v3-"), "{tag}");
        assert_ne!(tag, dossier("000.00.27.H39-251128-0002", 3, 1_000));
        assert_ne!(tag, dossier("000.00.27.H39-251128-0001", 3, 2_000));
        assert_ne!(tag, dossier("000.00.27.H39-251128-0001", 4, 1_000));
    }

    #[test]
    fn snapshot_tags_differ_from_incremental_ones_once_the_head_moved() {
        assert_eq!(feed(3, 500, Some(3)), feed(3, 500, None));
        assert_ne!(feed(4, 500, Some(3)), feed(4, 500, None));
    }
}
