//! What the dossier tests share: the demo dossiers, lookups, the core's scenario for a portal.

use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;

use super::{Harness, json, with_json};

/// A demo dossier: its code and verifier, from `GET /test/demo-dossiers`.
#[derive(Debug, Clone)]
pub struct Demo {
    pub code: String,
    pub verifier: String,
}

impl Harness {
    /// The demo dossiers of the current epoch.
    pub async fn demo_dossiers(&self) -> Vec<Demo> {
        let url = format!("{}/test/demo-dossiers", self.portal.url());
        let response = self.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = json(response).await;
        let demos = body["dossiers"]
            .as_array()
            .expect("a list of demo dossiers");
        demos
            .iter()
            .map(|demo| Demo {
                code: demo["code"].as_str().unwrap().to_string(),
                verifier: demo["verifier"].as_str().unwrap().to_string(),
            })
            .collect()
    }

    /// `GET /v1/dossiers/{code}`, with the verifier when given (no `X-Client-Id`: the
    /// client is known by its address).
    pub fn lookup(&self, code: &str, verifier: Option<&str>) -> RequestBuilder {
        let request = self.get(&format!("/v1/dossiers/{code}"));
        match verifier {
            Some(verifier) => request.header("X-Dossier-Verifier", verifier),
            None => request,
        }
    }

    /// The dossier as the public lookup answers it (expecting 200).
    pub async fn dossier(&self, demo: &Demo) -> longan_core::dossier::model::Dossier {
        let response = self.lookup(&demo.code, Some(&demo.verifier)).send().await;
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", demo.code);
        json(response).await
    }

    /// `POST` with a JSON body to a test-control path; the response as it came.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        let url = format!("{}{path}", self.portal.url());
        with_json(self.client.post(url), body).send().await.unwrap()
    }

    /// Lets clients look dossiers up as often as they like (test control).
    pub async fn unlimited_lookups(&self) {
        self.post("/test/rate-limit?per_minute=1000000").await;
    }
}

impl Harness {
    /// The core's scenario for this portal's seed, epoch and served catalogue: the stories the
    /// portal should be telling.
    pub async fn scenario(&self) -> longan_core::dossier::scenario::Scenario {
        let url = format!("{}/test/demo-dossiers", self.portal.url());
        let demos: Value = json(self.client.get(url).send().await.unwrap()).await;
        let epoch_ms = demos["epoch_ms"].as_u64().expect("the epoch");
        let epoch = std::time::UNIX_EPOCH + std::time::Duration::from_millis(epoch_ms);
        let mut procedures: Vec<(String, String)> = self
            .snapshot(1000)
            .await
            .pages
            .into_iter()
            .flat_map(|page| page.upserts)
            .map(|procedure| (procedure.code, procedure.name))
            .collect();
        procedures.sort();
        let count = longan_core::dossier::scenario::DEFAULT_COUNT;
        let seed = longan_portal::DOSSIER_SEED;
        longan_core::dossier::scenario::Scenario::new(seed, epoch, count, procedures)
    }
}

/// A varied handful of sample dossiers: the first in each status, every rescheduled one among
/// the first 500, and every 100th.
pub fn varied(
    samples: Vec<longan_core::dossier::scenario::SampleDossier>,
) -> Vec<longan_core::dossier::scenario::SampleDossier> {
    let mut seen = std::collections::HashSet::new();
    samples
        .into_iter()
        .enumerate()
        .filter(|(index, sample)| {
            let dossier = &sample.dossier;
            let rescheduled = dossier.appointment_history.len() > 1 && *index < 500;
            seen.insert(dossier.status) || rescheduled || index % 100 == 0
        })
        .map(|(_, sample)| sample)
        .collect()
}
