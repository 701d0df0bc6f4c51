//! The persisted form of the search index: a versioned, length-prefixed binary blob.
//!
//! Hand-written because it is small and because decoding must be fast (it is on the cold-open
//! path) and must fail cleanly on a damaged blob rather than trust its lengths.

use super::{Doc, DocToken, SearchIndex};

const MAGIC: &[u8; 4] = b"LAIX";
/// Bumped whenever the layout or the text keys change, so an old blob is rebuilt, not misread.
pub const INDEX_VERSION: u32 = 3;

/// Why a blob could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not an index blob, or one of another version.
    #[error("not an index of version {INDEX_VERSION}")]
    WrongVersion,
    /// The blob ends early or holds impossible values.
    #[error("damaged index: {0}")]
    Damaged(&'static str),
}

/// Encodes the persisted parts of an index.
pub fn encode(index: &SearchIndex) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 << 20);
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, INDEX_VERSION);
    for list in [&index.terms, &index.exacts, &index.fields, &index.agencies] {
        put_strings(&mut out, list);
    }
    put_u32(&mut out, index.docs.len() as u32);
    for doc in &index.docs {
        put_str(&mut out, &doc.code);
        put_str(&mut out, &doc.name);
        put_u32(&mut out, doc.field);
        put_u32(&mut out, doc.agencies.len() as u32);
        doc.agencies.iter().for_each(|a| put_u32(&mut out, *a));
        out.push(doc.levels);
        out.push(u8::from(doc.served) | (u8::from(doc.details) << 1));
        put_u32(&mut out, doc.content_start);
        put_u32(&mut out, doc.tokens.len() as u32);
        // Tokens are most of the blob: variable-length integers, positions as gaps.
        let mut previous_end = 0u32;
        for token in &doc.tokens {
            put_varint(&mut out, token.term);
            put_varint(&mut out, token.exact);
            put_varint(&mut out, token.start.wrapping_sub(previous_end));
            put_varint(&mut out, token.end.wrapping_sub(token.start));
            out.push(u8::from(token.space_before_next));
            previous_end = token.end;
        }
    }
    out
}

/// Decodes a blob made by [`encode`] and derives the lookup tables.
pub fn decode(bytes: &[u8]) -> Result<SearchIndex, DecodeError> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(4)? != MAGIC || reader.u32()? != INDEX_VERSION {
        return Err(DecodeError::WrongVersion);
    }
    let terms = reader.strings()?;
    let exacts = reader.strings()?;
    let fields = reader.strings()?;
    let agencies = reader.strings()?;
    let count = reader.count(16)?;
    let mut docs = Vec::with_capacity(count);
    for _ in 0..count {
        let code = reader.string()?;
        let name = reader.string()?;
        let field = reader.id_below(fields.len())?;
        let agency_count = reader.count(4)?;
        let doc_agencies = (0..agency_count)
            .map(|_| reader.id_below(agencies.len()))
            .collect::<Result<_, _>>()?;
        let levels = reader.byte()?;
        let flags = reader.byte()?;
        let content_start = reader.u32()?;
        let token_count = reader.count(5)?;
        let mut tokens = Vec::with_capacity(token_count);
        let mut previous_end = 0u32;
        for _ in 0..token_count {
            let term = reader.varint_below(terms.len())?;
            let exact = reader.varint_below(exacts.len())?;
            let start = previous_end
                .checked_add(reader.varint()?)
                .ok_or(DecodeError::Damaged("offset overflow"))?;
            let end = start
                .checked_add(reader.varint()?)
                .ok_or(DecodeError::Damaged("offset overflow"))?;
            tokens.push(DocToken {
                term,
                exact,
                start,
                end,
                space_before_next: reader.byte()? != 0,
            });
            previous_end = end;
        }
        docs.push(Doc {
            code,
            name,
            field,
            agencies: doc_agencies,
            levels,
            served: flags & 1 != 0,
            details: flags & 2 != 0,
            content_start,
            tokens,
        });
    }
    if reader.at != bytes.len() {
        return Err(DecodeError::Damaged("trailing bytes"));
    }
    // Prefix search needs a sorted vocabulary, and highlights must stay inside the name.
    if terms.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(DecodeError::Damaged("vocabulary out of order"));
    }
    for doc in &docs {
        let length = doc.name.chars().count() as u32;
        if doc.tokens.iter().any(|t| t.start > t.end || t.end > length)
            || doc.content_start as usize > doc.tokens.len()
        {
            return Err(DecodeError::Damaged("word outside its name"));
        }
    }
    Ok(SearchIndex::from_parts(
        docs, terms, exacts, fields, agencies,
    ))
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// LEB128: seven bits per byte, high bit set on all but the last.
fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_str(out: &mut Vec<u8>, value: &str) {
    put_u32(out, value.len() as u32);
    out.extend_from_slice(value.as_bytes());
}

fn put_strings(out: &mut Vec<u8>, values: &[String]) {
    put_u32(out, values.len() as u32);
    values.iter().for_each(|v| put_str(out, v));
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .at
            .checked_add(len)
            .ok_or(DecodeError::Damaged("length overflow"))?;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or(DecodeError::Damaged("ends early"))?;
        self.at = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// A count of items at least `min_item_bytes` each; refuses counts the blob cannot hold.
    fn count(&mut self, min_item_bytes: usize) -> Result<usize, DecodeError> {
        let count = self.u32()? as usize;
        if count.saturating_mul(min_item_bytes) > self.bytes.len() - self.at {
            return Err(DecodeError::Damaged("count larger than the blob"));
        }
        Ok(count)
    }

    fn varint(&mut self) -> Result<u32, DecodeError> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let byte = self.byte()?;
            let bits = u32::from(byte & 0x7f);
            if shift == 28 && bits > 0x0f {
                return Err(DecodeError::Damaged("varint overflow"));
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::Damaged("varint too long"))
    }

    fn varint_below(&mut self, limit: usize) -> Result<u32, DecodeError> {
        let id = self.varint()?;
        if id as usize >= limit {
            return Err(DecodeError::Damaged("id out of range"));
        }
        Ok(id)
    }

    fn id_below(&mut self, limit: usize) -> Result<u32, DecodeError> {
        let id = self.u32()?;
        if id as usize >= limit {
            return Err(DecodeError::Damaged("id out of range"));
        }
        Ok(id)
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError::Damaged("invalid UTF-8"))
    }

    fn strings(&mut self) -> Result<Vec<String>, DecodeError> {
        let count = self.count(4)?;
        (0..count).map(|_| self.string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::csv_import::parse_catalog_csv;

    fn sample_index() -> SearchIndex {
        let csv = "Mã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực,URL\n\
                   1.001193,Thủ tục đăng ký khai sinh,Bộ Tư pháp,Ủy ban nhân dân cấp xã,Hộ tịch,u\n\
                   1.000001,Cấp phép,UBND tỉnh Lạng Sơn,Sở A,Đất đai,u\n";
        SearchIndex::build(&parse_catalog_csv(csv.as_bytes()).unwrap().procedures)
    }

    #[test]
    fn an_encoded_index_decodes_to_the_same_index() {
        let index = sample_index();
        let decoded = decode(&encode(&index)).unwrap();
        assert_eq!(decoded.docs, index.docs);
        assert_eq!(decoded.terms, index.terms);
        assert_eq!(decoded.exacts, index.exacts);
        assert_eq!(decoded.doc_id("1.001193"), index.doc_id("1.001193"));
    }

    #[test]
    fn every_truncation_and_byte_flip_fails_cleanly_or_decodes() {
        let blob = encode(&sample_index());
        for len in 0..blob.len() {
            assert!(decode(&blob[..len]).is_err(), "truncated at {len}");
        }
        for at in 0..blob.len() {
            let mut damaged = blob.clone();
            damaged[at] ^= 0xff;
            if let Ok(index) = decode(&damaged) {
                for doc in &index.docs {
                    let length = doc.name.chars().count() as u32;
                    assert!(
                        doc.tokens
                            .iter()
                            .all(|t| t.start <= t.end && t.end <= length),
                        "byte {at}"
                    );
                }
                assert!(
                    index.terms.windows(2).all(|pair| pair[0] < pair[1]),
                    "byte {at}"
                );
            }
        }
    }
}
