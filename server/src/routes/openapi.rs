//! `GET /api/v1/openapi.json`: the API as OpenAPI 3.1, derived from the handlers'
//! `#[utoipa::path]` attributes and the wire types' `ToSchema` (onsite-core, feature
//! `openapi`), so the document cannot drift from the code.

use std::sync::OnceLock;

use onsite_core::wire::{ErrorBody, WireMutation};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi, ToSchema};

use super::{auth, blobs, devices, health, manager, policies, sync};
use crate::extract::ApiJson;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Onsite sync API",
        version = "1",
        description = "Sync protocol v1 of Onsite, the offline-first field-service app. Every error is JSON `{error, message}`. Every request but login, healthz and this document carries `Authorization: Bearer <token>`."
    ),
    paths(
        auth::login, auth::logout, sync::push, sync::pull, blobs::put_blob, blobs::get_blob,
        health::healthz, manager::dashboard, manager::stock_ledger, manager::stock_levels,
        manager::put_reorder_point, policies::list, policies::put_policy,
        policies::put_contract, policies::delete_contract, devices::list,
        devices::revoke_device, devices::revoke_user, openapi,
    ),
    components(schemas(ErrorBody, WireMutation)),
    security(("bearer" = [])),
    modifiers(&Errors),
)]
struct Api;

#[utoipa::path(get, path = "/api/v1/openapi.json", summary = "This document", tag = "health", security(()),
    responses((status = 200, description = "This document")))]
pub async fn openapi() -> ApiJson<&'static serde_json::Value> {
    ApiJson(document())
}

/// The served document, built once.
pub fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(Api::openapi()).expect("the document serializes"))
}

/// Every error answer is an `ErrorBody`; and every operation may also answer what a layer or
/// an extractor answers before the handler runs.
struct Errors;

impl Modify for Errors {
    fn modify(&self, doc: &mut Document) {
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        let error = ContentBuilder::new()
            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                ErrorBody::name(),
            ))))
            .build();
        let too_large = format!(
            "payload_too_large: a body over {} KiB",
            crate::MAX_JSON_BYTES / 1024
        );
        for item in doc.paths.paths.values_mut() {
            let path_params = item.parameters.as_ref().is_some_and(|p| !p.is_empty());
            for op in operations(item) {
                // `security(())` on a public operation reads `[{}]`: "no scheme needed".
                let public = op.security.as_ref().is_some_and(|s| {
                    s.iter()
                        .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
                });
                if public {
                    op.security = Some(Vec::new());
                }
                let secured = !public;
                let body = op.request_body.as_ref();
                let json_body = body.is_some_and(|b| b.content.contains_key("application/json"));
                let has_body = body.is_some();
                let has_params =
                    path_params || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let responses = &mut op.responses.responses;
                let mut add = |code: &str, what: &str| {
                    responses.entry(code.to_string()).or_insert_with(|| {
                        utoipa::openapi::ResponseBuilder::new()
                            .description(what)
                            .into()
                    });
                };
                if secured {
                    add("401", "unauthorized (missing or unknown token), session_revoked (logged out or revoked by a manager) or session_expired (unused for 30 days)");
                }
                // Only where a body is read, after authorization (`lib.rs` `body_limit`): an
                // operation that reads no body leaves whatever it is sent unread.
                if has_body {
                    add("413", &too_large);
                }
                if has_params {
                    add(
                        "400",
                        "invalid_path or invalid_query: a parameter out of its range",
                    );
                }
                if json_body {
                    add(
                        "415",
                        "unsupported_media_type: the body must be `Content-Type: application/json`",
                    );
                    add("400", "invalid_json or invalid_body");
                }
                add("405", "method_not_allowed");
                add("500", "internal: a bug; the server lives on");
                for (code, response) in responses.iter_mut() {
                    if let (true, RefOr::T(r)) = (code.as_str() >= "400", response) {
                        r.content
                            .entry("application/json".to_string())
                            .or_insert_with(|| error.clone());
                    }
                }
            }
        }
    }
}

fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}
