//! The simulator's routes: the two model APIs, the model list, and the
//! `/_sim/*` control routes (which browser pages may use only with the
//! control token).

use super::http::{Reply, Request, Response};
use super::model::{model_request, request_key, Dialect};
use super::{lock, Scenario, Shared, State};
use serde_json::json;

/// Whether a `/_sim/*` request may use the control routes: tools without
/// an `Origin` may; a browser page only with the control token.
fn control_allowed(req: &Request, state: &Shared) -> bool {
    if req.header("origin").is_none() {
        return true;
    }
    let token = lock(state).options.control_token.clone();
    matches!((token, req.header("x-sim-control")), (Some(t), Some(given)) if t == given)
}

const ABOUT: &[u8] = b"TallyScan OCR simulator: synthetic answers for testing, not a real model.\n\
POST /v1/chat/completions (OpenAI-compatible), POST /v1/messages (Anthropic), GET /v1/models, GET /_sim/log\n";

pub async fn handle(req: &Request, state: &Shared) -> Reply {
    let path = req.path.split('?').next().unwrap_or("");
    if path.starts_with("/_sim/") && req.method != "OPTIONS" && !control_allowed(req, state) {
        let refused = json!({"error": {"message": "the simulator's control routes refuse browser pages without the control token"}});
        return Reply::Send(Response::json(403, &refused));
    }
    let send = |status, body: serde_json::Value| Reply::Send(Response::json(status, &body));
    match (req.method.as_str(), path) {
        ("OPTIONS", _) => Reply::Send(Response::new(204, "text/plain", Vec::new())),
        ("GET", "/") => Reply::Send(Response::new(
            200,
            "text/plain; charset=utf-8",
            ABOUT.to_vec(),
        )),
        ("GET", "/v1/models") => {
            // The key the scenario requires, as for model requests.
            let required = lock(state).scenario.require_key.clone();
            if required.is_some_and(|k| request_key(req).as_deref() != Some(k.as_str())) {
                send(
                    401,
                    json!({"error": {"message": "invalid API key", "type": "invalid_request_error"}}),
                )
            } else {
                send(
                    200,
                    json!({"object": "list", "data": [{"id": "tallyscan-sim", "object": "model", "owned_by": "tallyscan-simulator"}]}),
                )
            }
        }
        ("GET", "/_sim/log") => {
            let s = lock(state);
            send(
                200,
                json!({"requests": s.log, "violations": s.violations, "rate_limit": s.scenario.rate_limit}),
            )
        }
        ("POST", "/_sim/reset") => {
            let mut s = lock(state);
            let (scenario, options) = (s.scenario.clone(), s.options.clone());
            *s = State::new(scenario, options);
            send(200, json!({"reset": true}))
        }
        ("POST", "/_sim/scenario") => match serde_json::from_slice::<Scenario>(&req.body)
            .map_err(|e| e.to_string())
            .and_then(|s| s.validate().map(|()| s))
        {
            Ok(scenario) => {
                let mut s = lock(state);
                let options = s.options.clone();
                *s = State::new(scenario, options);
                send(200, json!({"scenario": "set"}))
            }
            Err(e) => send(
                400,
                json!({"error": {"message": format!("bad scenario: {e}")}}),
            ),
        },
        // An endpoint that redirects (the app must refuse to follow it).
        ("POST", p) if p.starts_with("/redirect/") => {
            let mut r = Response::json(307, &json!({"redirect": true}));
            r.headers.push((
                "location".into(),
                p.trim_start_matches("/redirect").to_string(),
            ));
            Reply::Send(r)
        }
        ("POST", "/v1/chat/completions") => model_request(req, state, Dialect::OpenAi).await,
        ("POST", "/v1/messages") => model_request(req, state, Dialect::Anthropic).await,
        _ => send(
            404,
            json!({"error": {"message": format!("no route for {} {}", req.method, path), "type": "not_found"}}),
        ),
    }
}
