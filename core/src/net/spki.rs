//! The SubjectPublicKeyInfo of an X.509 certificate, read from its DER by walking the few
//! fields before it: what a key pin is computed over (SHA-256 of the DER-encoded SPKI, as in
//! RFC 7469), so a pin survives a certificate renewed with the same key.

use sha2::{Digest, Sha256};

/// One DER element: its tag, its whole encoding, and its contents.
struct Element<'a> {
    tag: u8,
    whole: &'a [u8],
    contents: &'a [u8],
}

/// Reads the element at the start of `input`; the rest follows it. `None` for anything that is
/// not definite-length DER with a one-byte tag (no certificate field needs more).
fn element(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = match first {
        0x00..=0x7f => (usize::from(first), rest),
        0x81..=0x84 => {
            let count = usize::from(first & 0x7f);
            if rest.len() < count {
                return None;
            }
            let (bytes, rest) = rest.split_at(count);
            let length = bytes
                .iter()
                .fold(0usize, |length, byte| (length << 8) | usize::from(*byte));
            (length, rest)
        }
        _ => return None,
    };
    if rest.len() < length {
        return None;
    }
    let header = input.len() - rest.len();
    let (contents, after) = rest.split_at(length);
    let whole = &input[..header + length];
    Some((
        Element {
            tag,
            whole,
            contents,
        },
        after,
    ))
}

const SEQUENCE: u8 = 0x30;
const VERSION: u8 = 0xa0;

/// The DER encoding of the certificate's SubjectPublicKeyInfo; `None` when `certificate` is
/// not a certificate.
pub fn subject_public_key_info(certificate: &[u8]) -> Option<&[u8]> {
    let (certificate, _) = element(certificate).filter(|(e, _)| e.tag == SEQUENCE)?;
    let (tbs, _) = element(certificate.contents).filter(|(e, _)| e.tag == SEQUENCE)?;
    let mut fields = tbs.contents;
    let (first, rest) = element(fields)?;
    if first.tag == VERSION {
        fields = rest;
    }
    // serial number, signature algorithm, issuer, validity, subject, then the key.
    for _ in 0..5 {
        fields = element(fields)?.1;
    }
    let (spki, _) = element(fields).filter(|(e, _)| e.tag == SEQUENCE)?;
    Some(spki.whole)
}

/// The pin of a certificate's key: SHA-256 of its DER-encoded SubjectPublicKeyInfo.
pub fn spki_sha256(certificate: &[u8]) -> Option<[u8; 32]> {
    subject_public_key_info(certificate).map(|spki| Sha256::digest(spki).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_in_short_and_long_form_are_read_and_overruns_refused() {
        let (short, rest) = element(&[0x02, 0x01, 0x05, 0xff]).unwrap();
        assert_eq!(
            (short.tag, short.contents, rest),
            (0x02, &[0x05][..], &[0xff][..])
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        assert_eq!(element(&long).unwrap().0.contents.len(), 0x80);
        assert!(element(&[0x04, 0x05, 1, 2]).is_none());
        assert!(element(&[0x04, 0x80]).is_none(), "indefinite length");
        assert!(element(&[0x04, 0x82, 0x01]).is_none());
        assert!(element(&[]).is_none());
    }

    #[test]
    fn anything_but_a_certificate_has_no_key_and_nothing_panics() {
        assert_eq!(subject_public_key_info(b"not a certificate"), None);
        assert_eq!(
            subject_public_key_info(&[0x30, 0x03, 0x30, 0x01, 0x00]),
            None
        );
        for length in 0..64 {
            let bytes: Vec<u8> = (0..length).map(|i| (i * 37 + 0x30) as u8).collect();
            let _ = subject_public_key_info(&bytes);
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn the_pin_of_a_real_certificate_is_what_openssl_computes() {
        let leaf = include_bytes!("../../../tests/fixtures/tls/leaf.der");
        let ca = include_bytes!("../../../tests/fixtures/tls/ca.der");
        assert_eq!(
            hex(&spki_sha256(leaf).unwrap()),
            "16e850a6b14d27c7a2761bcaba4ff07d6d1d251cca143b7c6ab25bfcfffd0cc7"
        );
        assert_eq!(
            hex(&spki_sha256(ca).unwrap()),
            "27338a7bb26eba36d974931245b5490d3ff01f238db7da485c2f4475531863f4"
        );
        assert_eq!(spki_sha256(&leaf[..leaf.len() - 1]), None, "cut short");
    }
}
