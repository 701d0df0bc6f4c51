//! The push-device registrations the portal holds, in memory: one per app installation, for
//! the citizen who registered it last.
//!
//! A registration's secret is kept only as its SHA-256: the book can tell the right secret
//! when it is presented again, and never holds one to leak. Tokens and subjects are personal
//! data: the book's `Debug` shows counts only, and nothing here is ever logged.

use std::collections::BTreeMap;

use longan_core::portal::wire::{DeviceReceipt, DeviceRegistration, PushPlatform};
use sha2::{Digest, Sha256};

/// Where one installation receives one citizen's pushes.
pub struct Registration {
    /// The citizen (the bearer token's `sub` when it was registered).
    pub subject: String,
    /// The push service.
    pub platform: PushPlatform,
    /// The push service's token for the installation.
    pub token: String,
    /// The language pushes are written in.
    pub language: String,
    /// When it was registered, on the portal's clock (milliseconds since the Unix epoch).
    pub registered_at_ms: i64,
    secret_hash: [u8; 32],
}

/// What `DELETE` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unregistered {
    /// The registration was removed.
    Removed,
    /// Nothing was removed: the installation has no registration, or one with another
    /// secret (the two are not told apart to the caller).
    NotFound,
}

/// The registrations, by installation id, with how many `PUT`s and `DELETE`s arrived.
#[derive(Default)]
pub struct DeviceBook {
    by_installation: BTreeMap<String, Registration>,
    puts: u64,
    deletes: u64,
}

impl std::fmt::Debug for DeviceBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceBook")
            .field("registrations", &self.by_installation.len())
            .field("puts", &self.puts)
            .field("deletes", &self.deletes)
            .finish()
    }
}

impl DeviceBook {
    /// Counts a `PUT` (whatever becomes of it).
    pub fn count_put(&mut self) {
        self.puts += 1;
    }

    /// Counts a `DELETE` (whatever becomes of it).
    pub fn count_delete(&mut self) {
        self.deletes += 1;
    }

    /// Registers `installation_id` for `subject` at `now_ms`, replacing whatever it had,
    /// whoever's it was: a phone shows one person's notifications at a time. Its receipt.
    pub fn register(
        &mut self,
        installation_id: &str,
        subject: String,
        registration: DeviceRegistration,
        now_ms: i64,
    ) -> DeviceReceipt {
        let stored = Registration {
            subject,
            platform: registration.platform,
            token: registration.token,
            language: registration.language,
            registered_at_ms: now_ms,
            secret_hash: hash(&registration.registration_secret),
        };
        self.by_installation
            .insert(installation_id.to_string(), stored);
        DeviceReceipt {
            installation_id: installation_id.to_string(),
            registered_at_ms: now_ms,
        }
    }

    /// Removes the registration of `installation_id` when `secret` is its secret. Another
    /// secret leaves it: a stale unregistration (of the person before) must never remove the
    /// registration of the person after.
    pub fn unregister(&mut self, installation_id: &str, secret: &str) -> Unregistered {
        // Hashes are compared, not secrets: how long the comparison takes says nothing about
        // the stored secret.
        let matches = self
            .by_installation
            .get(installation_id)
            .is_some_and(|stored| stored.secret_hash == hash(secret));
        match matches {
            true => {
                self.by_installation.remove(installation_id);
                Unregistered::Removed
            }
            false => Unregistered::NotFound,
        }
    }

    /// Every registration, by installation id in ascending order.
    pub fn registrations(&self) -> impl Iterator<Item = (&str, &Registration)> {
        self.by_installation
            .iter()
            .map(|(id, registration)| (id.as_str(), registration))
    }

    /// `PUT`s received.
    pub fn puts(&self) -> u64 {
        self.puts
    }

    /// `DELETE`s received.
    pub fn deletes(&self) -> u64 {
        self.deletes
    }
}

fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_A: &str = "a-secret-of-at-least-thirty-two-bytes-1";
    const SECRET_B: &str = "b-secret-of-at-least-thirty-two-bytes-2";

    impl DeviceBook {
        fn get(&self, installation_id: &str) -> Option<&Registration> {
            self.by_installation.get(installation_id)
        }
    }

    fn registration(token: &str, secret: &str) -> DeviceRegistration {
        DeviceRegistration {
            platform: PushPlatform::Fcm,
            token: token.into(),
            language: "vi".into(),
            registration_secret: secret.into(),
        }
    }

    #[test]
    fn a_put_replaces_whatever_the_installation_had_whoever_s_it_was() {
        let mut book = DeviceBook::default();
        let receipt = book.register(
            "inst-1",
            "citizen-1".into(),
            registration("t1", SECRET_A),
            5,
        );
        assert_eq!(receipt.installation_id, "inst-1");
        assert_eq!(receipt.registered_at_ms, 5);
        book.register(
            "inst-1",
            "citizen-2".into(),
            registration("t2", SECRET_B),
            9,
        );
        let stored = book.get("inst-1").unwrap();
        assert_eq!(
            (stored.subject.as_str(), stored.token.as_str()),
            ("citizen-2", "t2")
        );
        assert_eq!(stored.registered_at_ms, 9);
        assert_eq!(book.registrations().count(), 1);
    }

    #[test]
    fn only_the_registration_s_own_secret_removes_it() {
        let mut book = DeviceBook::default();
        book.register(
            "inst-1",
            "citizen-1".into(),
            registration("t1", SECRET_A),
            5,
        );
        // The person before's secret: the next person's registration stays.
        book.register(
            "inst-1",
            "citizen-2".into(),
            registration("t2", SECRET_B),
            6,
        );
        assert_eq!(book.unregister("inst-1", SECRET_A), Unregistered::NotFound);
        assert_eq!(book.get("inst-1").unwrap().subject, "citizen-2");
        assert_eq!(book.unregister("inst-1", SECRET_B), Unregistered::Removed);
        assert!(book.get("inst-1").is_none());
        assert_eq!(book.unregister("inst-1", SECRET_B), Unregistered::NotFound);
        assert_eq!(book.unregister("inst-2", SECRET_B), Unregistered::NotFound);
    }

    #[test]
    fn registrations_come_in_installation_order_and_debug_shows_counts_only() {
        let mut book = DeviceBook::default();
        for id in ["inst-b", "inst-a", "inst-c"] {
            book.count_put();
            book.register(
                id,
                "citizen-1".into(),
                registration("tok-private", SECRET_A),
                1,
            );
        }
        book.count_delete();
        let ids: Vec<&str> = book.registrations().map(|(id, _)| id).collect();
        assert_eq!(ids, ["inst-a", "inst-b", "inst-c"]);
        assert_eq!((book.puts(), book.deletes()), (3, 1));
        let shown = format!("{book:?}");
        for private in ["tok-private", "citizen-1", SECRET_A] {
            assert!(!shown.contains(private), "{shown}");
        }
    }
}
