//! Decoding of the portal's JSON answers (`core/src/portal/wire.rs`) from any bytes, as a
//! broken or hostile portal could send them. The first byte picks the type, the rest is the
//! body. Decoding must never panic, and whatever decodes must encode and decode back to the
//! same value: the core stores what it received as JSON and must be able to read it again.
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use longan_core::dossier::model::Dossier;
use longan_core::portal::wire::{
    ChangesPage, DeviceReceipt, DeviceRegistration, FeedbackReceipt, NotificationPage, Problem,
    ProcedureResponse, is_installation_id, registration_problem,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `body` as `T`; when it decodes, checks the round trip and returns the value.
fn round_trip<T>(body: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let value: T = serde_json::from_slice(body).ok()?;
    let json = serde_json::to_vec(&value).expect("a decoded value encodes");
    let back: T = serde_json::from_slice(&json).unwrap_or_else(|error| {
        panic!(
            "{} does not decode back: {error}\n{}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&json)
        )
    });
    assert_eq!(back, value);
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    match kind % 9 {
        0 => drop(round_trip::<ChangesPage>(body)),
        1 => drop(round_trip::<ProcedureResponse>(body)),
        2 => drop(round_trip::<Dossier>(body)),
        3 => drop(round_trip::<NotificationPage>(body)),
        4 => drop(round_trip::<FeedbackReceipt>(body)),
        5 => {
            if let Some(receipt) = round_trip::<DeviceReceipt>(body) {
                let _ = is_installation_id(&receipt.installation_id);
            }
        }
        6 => drop(round_trip::<Problem>(body)),
        7 => {
            if let Some(registration) = round_trip::<DeviceRegistration>(body) {
                let _ = registration_problem(&registration);
            }
        }
        _ => {
            if let Ok(id) = std::str::from_utf8(body) {
                let valid = is_installation_id(id);
                // The rule of the contract, restated: the path segment must be safe as it is.
                assert_eq!(
                    valid,
                    (1..=64).contains(&id.len())
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
                );
            }
        }
    }
});
