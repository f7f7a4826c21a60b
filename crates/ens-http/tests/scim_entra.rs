//! Every request shape of the Entra provisioning reference (shared/reference/
//! entra-provisioning.md), against the SCIM endpoint, each checked through a following GET.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use ens_http::{AppState, HttpConfig};
use ens_ports::{Field, Mapping, Ports, ScimImport, SecretToken, SyncState, TokenInfo};
use serde_json::{Value, json};

const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const BASE: &str = "/portal/scim";
const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn enable(ports: &Ports, mapping: Mapping) -> ScimImport {
    let e = ports.create_enterprise("Contoso").unwrap();
    let mut i = ports.setup_store().scim_import(e.id).unwrap().unwrap();
    i.version += 1;
    let t = SecretToken::new(TOKEN.into());
    i.token = Some(TokenInfo { hash: t.hash(), created_at: ports.now(), last4: t.last4() });
    i.state = SyncState::Enabled { since: ports.now(), by: None };
    i.mapping = mapping;
    ports.setup_store().update_scim_import(&i, None, &[]).unwrap();
    i
}

struct Harness {
    ports: Ports,
    config: HttpConfig,
}

impl Harness {
    fn new() -> Self {
        Self::with_mapping(Mapping::default())
    }

    fn with_mapping(mapping: Mapping) -> Self {
        let ports = ens_ports::testing::ports();
        enable(&ports, mapping);
        let config = HttpConfig { public_base_url: "https://ens.example.com".into(), ..HttpConfig::default() };
        Self { ports, config }
    }

    /// Sends one request with the token; returns status, headers and JSON body (Null if none).
    async fn call(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, actix_web::http::header::HeaderMap, Value) {
        self.call_with(method, uri, body, &[("Authorization", &format!("Bearer {TOKEN}"))]).await
    }

    async fn call_with(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, actix_web::http::header::HeaderMap, Value) {
        let app =
            test::init_service(ens_http::app(AppState::new(self.ports.clone(), self.config.clone()).expect("lanes")))
                .await;
        let mut req = TestRequest::default().method(method).uri(uri).insert_header(("Accept", "application/scim+json"));
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        if let Some(b) = body {
            req =
                req.insert_header(("Content-Type", "application/scim+json; charset=utf-8")).set_payload(b.to_string());
        }
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        if !bytes.is_empty() && status != StatusCode::NO_CONTENT {
            assert_eq!(
                headers.get("content-type").and_then(|v| v.to_str().ok()),
                Some("application/scim+json"),
                "{uri}: every SCIM answer is application/scim+json"
            );
        }
        (status, headers, json)
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (s, _, b) = self.call(Method::GET, uri, None).await;
        (s, b)
    }

    async fn create(&self, body: Value) -> Value {
        let (s, _, b) = self.call(Method::POST, &format!("{BASE}/Users"), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b
    }

    async fn patch(&self, id: &str, ops: Value) -> (StatusCode, Value) {
        let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
        let (s, _, b) = self.call(Method::PATCH, &format!("{BASE}/Users/{id}"), Some(body)).await;
        (s, b)
    }

    async fn user(&self, id: &str) -> Value {
        let (s, b) = self.get(&format!("{BASE}/Users/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b
    }
}

fn entra_create() -> Value {
    json!({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
     "externalId":"jdoe","userName":"jdoe@contoso.com","active":true,"displayName":"Jane Doe","title":"Engineer",
     "preferredLanguage":"de-CH",
     "emails":[{"primary":true,"type":"work","value":"jdoe@contoso.com"}],
     "phoneNumbers":[{"type":"work","value":"+41 44 000 00 00"},{"type":"mobile","value":"+41 79 000 00 00"}],
     "addresses":[{"type":"work","streetAddress":"Main 1","locality":"Zurich","postalCode":"8000","country":"CH","primary":false}],
     "name":{"formatted":"Jane Doe","familyName":"Doe","givenName":"Jane"},
     "meta":{"resourceType":"User"},"roles":[],
     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"4711","department":"Ops"}})
}

fn assert_scim_error(body: &Value, status: &str) {
    assert_eq!(body["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]), "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
}

#[actix_web::test]
async fn test_connection_probe_gets_an_empty_list_and_a_bad_token_401() {
    let h = Harness::new();
    let (s, b) = h.get(&format!("{BASE}/Users?filter=userName+eq+%22a1b2c3d4-0000-4000-8000-000000000000%22")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        b,
        json!({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0})
    );
    let (s, headers, b) =
        h.call_with(Method::GET, &format!("{BASE}/Users"), None, &[("Authorization", "Bearer wrong")]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_scim_error(&b, "401");
    assert!(headers.contains_key("www-authenticate"));
    let (s, _, b) = h.call_with(Method::GET, &format!("{BASE}/Users"), None, &[]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_scim_error(&b, "401");
    let (s, _, _) =
        h.call_with(Method::GET, &format!("{BASE}/Users"), None, &[("Authorization", &format!("Basic {TOKEN}"))]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn group_probes_find_nothing_and_group_writes_are_not_supported() {
    let h = Harness::new();
    let (s, b) = h.get(&format!("{BASE}/Groups?excludedAttributes=members&filter=displayName+eq+%22b2c3%22")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["totalResults"], 0);
    assert_eq!(b["Resources"], json!([]));
    for (method, uri) in [
        (Method::POST, "/Groups"),
        (Method::PATCH, "/Groups/g1"),
        (Method::PUT, "/Groups/g1"),
        (Method::DELETE, "/Groups/g1"),
    ] {
        let (s, _, b) = h.call(method.clone(), &format!("{BASE}{uri}"), Some(json!({"displayName": "x"}))).await;
        assert_eq!(s, StatusCode::NOT_IMPLEMENTED, "{method} {uri}");
        assert_scim_error(&b, "501");
        assert!(b["detail"].as_str().unwrap().contains("Groups are not supported"));
    }
    let (s, b) = h.get(&format!("{BASE}/Groups/g1")).await;
    assert_eq!((s, b["status"].as_str()), (StatusCode::NOT_FOUND, Some("404")));
}

#[actix_web::test]
async fn create_answers_201_with_location_and_meta_and_stores_every_field() {
    let h = Harness::new();
    let (s, headers, created) = h.call(Method::POST, &format!("{BASE}/Users"), Some(entra_create())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let location = format!("https://ens.example.com/portal/scim/Users/{id}");
    assert_eq!(headers.get("location").unwrap().to_str().unwrap(), location);
    assert_eq!(headers.get("etag").unwrap().to_str().unwrap(), "W/\"1\"");
    assert_eq!(created["meta"]["resourceType"], "User");
    assert_eq!(created["meta"]["location"], location);
    assert_eq!(created["meta"]["version"], "W/\"1\"");
    assert!(created["meta"]["created"].as_str().is_some() && created["meta"]["lastModified"].as_str().is_some());

    let got = h.user(&id).await;
    assert_eq!(got, created);
    assert_eq!(got["userName"], "jdoe@contoso.com");
    assert_eq!(got["externalId"], "jdoe");
    assert_eq!(got["active"], true);
    assert_eq!(got["displayName"], "Jane Doe");
    assert_eq!(got["title"], "Engineer");
    assert_eq!(got["preferredLanguage"], "de-CH");
    assert_eq!(got["name"], json!({"givenName": "Jane", "familyName": "Doe", "formatted": "Jane Doe"}));
    assert_eq!(got["emails"], json!([{"value": "jdoe@contoso.com", "type": "work"}]));
    assert_eq!(
        got["phoneNumbers"],
        json!([{"value": "+41 44 000 00 00", "type": "work"}, {"value": "+41 79 000 00 00", "type": "mobile"}])
    );
    assert_eq!(
        got["addresses"],
        json!([{"streetAddress": "Main 1", "locality": "Zurich", "postalCode": "8000", "country": "CH", "type": "work"}])
    );
    assert_eq!(got[ENT], json!({"employeeNumber": "4711", "department": "Ops"}));
    assert_eq!(got["schemas"], json!(["urn:ietf:params:scim:schemas:core:2.0:User", ENT]));
    assert!(got.get("roles").is_none());
}

#[actix_web::test]
async fn unknown_attributes_do_not_fail_a_create() {
    let h = Harness::new();
    let mut body = entra_create();
    body["nickName"] = json!("JJ");
    body["roles"] = json!([{"value": "admin", "primary": true}]);
    body["urn:ietf:params:scim:schemas:extension:contoso:1.0:User"] = json!({"badge": "7"});
    body["schemas"].as_array_mut().unwrap().push(json!("urn:ietf:params:scim:schemas:extension:contoso:1.0:User"));
    let created = h.create(body).await;
    assert!(created.get("nickName").is_none());
}

#[actix_web::test]
async fn a_second_create_for_the_same_user_name_gets_409_uniqueness() {
    let h = Harness::new();
    h.create(entra_create()).await;
    let mut again = entra_create();
    again["userName"] = json!("JDOE@Contoso.com");
    let (s, _, b) = h.call(Method::POST, &format!("{BASE}/Users"), Some(again)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_scim_error(&b, "409");
    assert_eq!(b["scimType"], "uniqueness");
    let (_, list) = h.get(&format!("{BASE}/Users")).await;
    assert_eq!(list["totalResults"], 1);
}

#[actix_web::test]
async fn look_alike_user_names_are_the_same_user_and_invisible_characters_are_refused() {
    let h = Harness::new();
    h.create(json!({"userName": "jdoe@x.com"})).await;
    h.create(json!({"userName": "Rene\u{301}@x.com"})).await; // NFD: e + combining acute
    for look_alike in [" jdoe@x.com", "jdoe@x.com\u{a0}", "ＪＤＯＥ@x.com", "René@x.com", "RENÉ@X.COM"] {
        let (s, _, b) = h.call(Method::POST, &format!("{BASE}/Users"), Some(json!({"userName": look_alike}))).await;
        assert_eq!(s, StatusCode::CONFLICT, "{look_alike:?}: {b}");
        assert_eq!(b["scimType"], "uniqueness", "{look_alike:?}");
    }
    // Entra's lookup finds the person whatever form it sends.
    for (filter, user_name) in
        [("userName eq \"René@x.com\"", "Rene\u{301}@x.com"), ("userName eq \" JDOE@x.com\"", "jdoe@x.com")]
    {
        let (_, b) = h.get(&format!("{BASE}/Users?filter={}", urlencode(filter))).await;
        assert_eq!(b["totalResults"], 1, "{filter}");
        assert_eq!(b["Resources"][0]["userName"], user_name, "{filter}");
    }
    for invisible in ["jdoe\u{200b}@x.com", "\u{202e}moc.x@eodj", "\u{feff}jane@x.com"] {
        let (s, _, b) = h.call(Method::POST, &format!("{BASE}/Users"), Some(json!({"userName": invisible}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{invisible:?}: {b}");
        assert_scim_error(&b, "400");
        assert_eq!(b["scimType"], "invalidValue", "{invisible:?}");
        assert!(b["detail"].as_str().unwrap().contains("invisible formatting character"), "{b}");
    }
    let (_, list) = h.get(&format!("{BASE}/Users")).await;
    assert_eq!(list["totalResults"], 2);
}

#[actix_web::test]
async fn lookups_by_user_name_external_id_and_work_email() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].clone();
    for filter in [
        "userName eq \"JDOE@contoso.COM\"",
        "externalId eq \"jdoe\"",
        "emails[type eq \"work\"].value eq \"jdoe@contoso.com\"",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"4711\"",
    ] {
        let uri = format!("{BASE}/Users?filter={}", urlencode(filter));
        let (s, b) = h.get(&uri).await;
        assert_eq!(s, StatusCode::OK, "{filter}: {b}");
        assert_eq!(b["totalResults"], 1, "{filter}");
        assert_eq!(b["Resources"][0]["id"], id, "{filter}");
    }
    let (_, b) = h.get(&format!("{BASE}/Users?filter={}", urlencode("externalId eq \"JDOE\""))).await;
    assert_eq!(b["totalResults"], 0, "externalId is case-exact");
    let (s, b) = h.get(&format!("{BASE}/Users?filter={}", urlencode("userName eq"))).await;
    assert_eq!((s, b["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidFilter")));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn legacy_patch_answers_200_with_the_resource_and_is_stored() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let (s, patched) = h
        .patch(&id, json!([
            {"op":"Replace","path":"displayName","value":"Jane D."},
            {"op":"Replace","path":"emails[type eq \"work\"].value","value":"jane@contoso.com"},
            {"op":"Replace","path":"name.givenName","value":"Janet"},
            {"op":"Add","path":"phoneNumbers[type eq \"fax\"].value","value":"+41 44 000 00 01"},
            {"op":"Add","path":"addresses[type eq \"work\"].formatted","value":"Main 1, 8000 Zurich"},
            {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"4712"},
            {"op":"Replace","path":"active","value":"False"}
        ]))
        .await;
    assert_eq!(s, StatusCode::OK, "{patched}");
    let got = h.user(&id).await;
    assert_eq!(got, patched);
    assert_eq!(got["displayName"], "Jane D.");
    assert_eq!(got["emails"], json!([{"value": "jane@contoso.com", "type": "work"}]));
    assert_eq!(got["name"]["givenName"], "Janet");
    assert_eq!(got["phoneNumbers"][2], json!({"value": "+41 44 000 00 01", "type": "fax"}));
    assert_eq!(got["phoneNumbers"][0]["value"], "+41 44 000 00 00", "replace touched only the matching element");
    assert_eq!(got["addresses"][0]["formatted"], "Main 1, 8000 Zurich");
    assert_eq!(got[ENT]["employeeNumber"], "4712");
    assert_eq!(got["active"], false);
    assert_eq!(got["meta"]["version"], "W/\"2\"");
    // Inactive users are still found.
    let (_, b) = h.get(&format!("{BASE}/Users?filter={}", urlencode("userName eq \"jdoe@contoso.com\""))).await;
    assert_eq!(b["totalResults"], 1);
}

#[actix_web::test]
async fn aad_opt_patch_without_path_through_the_flagged_tenant_url() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op":"replace","value":{"displayName":"Jane D.","name.givenName":"Jane","name.familyName":"Doe",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"4712"}},
        {"op":"replace","path":"active","value":false}
    ]});
    let (s, _, b) = h.call(Method::PATCH, &format!("{BASE}/Users/{id}?aadOptscim062020"), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let got = h.user(&id).await;
    assert_eq!((got["displayName"].as_str(), got["name"]["familyName"].as_str()), (Some("Jane D."), Some("Doe")));
    assert_eq!((got[ENT]["employeeNumber"].as_str(), got["active"].as_bool()), (Some("4712"), Some(false)));
    let (s, b) =
        h.get(&format!("{BASE}/Users?aadOptscim062020&filter={}", urlencode("userName eq \"jdoe@contoso.com\""))).await;
    assert_eq!((s, b["totalResults"].as_u64()), (StatusCode::OK, Some(1)));
}

#[actix_web::test]
async fn every_manager_form_and_the_rendering_entra_compares() {
    let h = Harness::new();
    let boss = h.create(json!({"userName": "boss@contoso.com"})).await["id"].as_str().unwrap().to_owned();
    let other = h.create(json!({"userName": "other@contoso.com"})).await["id"].as_str().unwrap().to_owned();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let path = format!("{ENT}:manager");
    let manager = |v: &Value| v[ENT]["manager"].clone();

    let (s, _) = h
        .patch(&id, json!([{"op":"Add","path":"manager","value":[{"$ref":format!("../Users/{boss}"),"value":boss}]}]))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(manager(&h.user(&id).await), json!({"value": boss}));
    h.patch(&id, json!([{"op":"Add","path":path,"value":other}])).await;
    assert_eq!(manager(&h.user(&id).await), json!({"value": other}));
    h.patch(&id, json!([{"op":"replace","path":path,"value":boss}])).await;
    assert_eq!(manager(&h.user(&id).await), json!({"value": boss}));
    for removal in [
        json!({"op":"replace","path":path,"value":""}),
        json!({"op":"replace","path":path,"value":{"value":""}}),
        json!({"op":"remove","path":path}),
    ] {
        h.patch(&id, json!([{"op":"replace","path":path,"value":boss}])).await;
        let (s, _) = h.patch(&id, json!([removal.clone()])).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(manager(&h.user(&id).await), Value::Null, "{removal}");
    }
}

#[actix_web::test]
async fn roles_and_other_unknown_patches_are_accepted_and_ignored() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let before = h.user(&id).await;
    let (s, b) = h
        .patch(&id, json!([
            {"op":"Add","path":"roles","value":[{"value":"{\"id\":\"r1\",\"value\":\"Reader\",\"displayName\":\"Reader\"}"}]},
            {"op":"Add","path":"nickName","value":"JJ"},
            {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:contoso:1.0:User:badge","value":"7"}
        ]))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(h.user(&id).await, before, "nothing stored, no new version");
}

#[actix_web::test]
async fn booleans_in_every_form_entra_sends() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    for (value, expected) in [
        (json!("False"), false),
        (json!("True"), true),
        (json!("false"), false),
        (json!(true), true),
        (json!(false), false),
    ] {
        let (s, _) = h.patch(&id, json!([{"op":"Replace","path":"active","value":value}])).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h.user(&id).await["active"], expected, "{value}");
    }
}

#[actix_web::test]
async fn delete_then_404_and_a_second_delete_404() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let (s, _, b) = h.call(Method::DELETE, &format!("{BASE}/Users/{id}"), None).await;
    assert_eq!((s, b), (StatusCode::NO_CONTENT, Value::Null));
    let (s, b) = h.get(&format!("{BASE}/Users/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_scim_error(&b, "404");
    let (s, _, b) = h.call(Method::DELETE, &format!("{BASE}/Users/{id}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_scim_error(&b, "404");
    let (s, _) = h.get(&format!("{BASE}/Users/not-a-uuid")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn paging_reports_start_index() {
    let h = Harness::new();
    for n in 0..7 {
        h.create(json!({"userName": format!("u{n}@contoso.com")})).await;
    }
    let (s, b) = h.get(&format!("{BASE}/Users?startIndex=1&count=5")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (b["totalResults"].as_u64(), b["startIndex"].as_u64(), b["itemsPerPage"].as_u64()),
        (Some(7), Some(1), Some(5))
    );
    let (_, b) = h.get(&format!("{BASE}/Users?startIndex=6&count=5")).await;
    assert_eq!((b["startIndex"].as_u64(), b["itemsPerPage"].as_u64()), (Some(6), Some(2)));
    let (_, b) = h.get(&format!("{BASE}/Users?count=0")).await;
    assert_eq!((b["totalResults"].as_u64(), b["itemsPerPage"].as_u64()), (Some(7), Some(0)));
    let (_, b) = h.get(&format!("{BASE}/Users?sortBy=userName&sortOrder=descending&count=2&attributes=userName")).await;
    let core = json!(["urn:ietf:params:scim:schemas:core:2.0:User"]);
    assert_eq!(
        b["Resources"],
        json!([{"schemas": core, "id": b["Resources"][0]["id"], "userName": "u6@contoso.com"},
               {"schemas": core, "id": b["Resources"][1]["id"], "userName": "u5@contoso.com"}])
    );
}

#[actix_web::test]
async fn v2_prefix_trailing_slashes_and_search() {
    let h = Harness::new();
    let created = h.create(entra_create()).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(h.get(&format!("/portal/scim/v2/Users/{id}")).await.0, StatusCode::OK);
    assert_eq!(h.get(&format!("/portal/scim/Users/{id}/")).await.0, StatusCode::OK);
    assert_eq!(h.get(&format!("/portal/scim//Users/{id}")).await.0, StatusCode::OK);
    let (s, _, b) = h
        .call(
            Method::POST,
            &format!("{BASE}/Users/.search"),
            Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "userName eq \"jdoe@contoso.com\"", "attributes": ["displayName"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["Resources"], json!([{"schemas": created["schemas"], "id": id, "displayName": "Jane Doe"}]));
}

#[actix_web::test]
async fn put_replaces_the_imported_fields() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let (s, _, b) = h
        .call(
            Method::PUT,
            &format!("{BASE}/Users/{id}"),
            Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "jdoe@contoso.com", "externalId": "jdoe", "displayName": "Only this", "id": id})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let got = h.user(&id).await;
    assert_eq!(got["displayName"], "Only this");
    assert!(got.get("emails").is_none() && got.get(ENT).is_none() && got.get("title").is_none());
    assert_eq!(got["id"], id);
}

#[actix_web::test]
async fn put_with_another_id_in_the_body_is_400_and_changes_nothing() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let before = h.user(&id).await;
    let other = "00000000-0000-4000-8000-000000000001";
    let (s, _, b) = h
        .call(
            Method::PUT,
            &format!("{BASE}/Users/{id}"),
            Some(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "jdoe@contoso.com", "displayName": "Someone else", "id": other})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_scim_error(&b, "400");
    assert_eq!(b["scimType"], "invalidValue");
    let detail = b["detail"].as_str().unwrap();
    assert!(detail.contains(other) && detail.contains(&id), "{detail}");
    assert_eq!(h.user(&id).await, before);
}

#[actix_web::test]
async fn if_match_mismatch_is_412_and_etags_follow_versions() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let ops = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op":"replace","path":"title","value":"X"}]});
    let uri = format!("{BASE}/Users/{id}");
    let (s, headers, _) = h
        .call_with(
            Method::PATCH,
            &uri,
            Some(ops.clone()),
            &[("Authorization", &format!("Bearer {TOKEN}")), ("If-Match", "W/\"1\"")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers.get("etag").unwrap().to_str().unwrap(), "W/\"2\"");
    let (s, _, b) = h
        .call_with(
            Method::PATCH,
            &uri,
            Some(ops),
            &[("Authorization", &format!("Bearer {TOKEN}")), ("If-Match", "W/\"1\"")],
        )
        .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    assert_scim_error(&b, "412");
    let (s, _, _) = h
        .call_with(
            Method::DELETE,
            &uri,
            None,
            &[("Authorization", &format!("Bearer {TOKEN}")), ("If-Match", "W/\"9\"")],
        )
        .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    assert_eq!(h.user(&id).await["title"], "X");
}

#[actix_web::test]
async fn bad_requests_get_scim_errors_and_change_nothing() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let before = h.user(&id).await;
    for (ops, scim_type) in [
        (json!([{"op":"replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"call me"}]), "invalidValue"),
        (
            json!([{"op":"replace","path":"displayName","value":"ok"}, {"op":"replace","path":"emails[type eq \"work\"].value","value":"not-an-email"}]),
            "invalidValue",
        ),
        (json!([{"op":"remove","path":"userName"}]), "mutability"),
        (json!([{"op":"remove"}]), "noTarget"),
        (json!([{"op":"replace","path":"emails[type eq","value":"x"}]), "invalidPath"),
        (json!([{"op":"jump","path":"title","value":"x"}]), "invalidSyntax"),
        (json!([{"op":"replace","path":"displayName[value eq \"Jane Doe\"]","value":"x"}]), "invalidPath"),
        (json!([{"op":"replace","path":"name[givenName eq \"Jane\"].familyName","value":"x"}]), "invalidPath"),
        (json!([{"op":"replace","path":"title","value":1.2345678901234568e29}]), "invalidValue"),
    ] {
        let (s, b) = h.patch(&id, ops.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{ops}");
        assert_scim_error(&b, "400");
        assert_eq!(b["scimType"], scim_type, "{ops}: {b}");
    }
    assert_eq!(h.user(&id).await, before, "all operations or none");
    let (s, _, b) = h
        .call_with(
            Method::POST,
            &format!("{BASE}/Users"),
            None,
            &[("Authorization", &format!("Bearer {TOKEN}")), ("Content-Type", "application/scim+json")],
        )
        .await;
    assert_eq!((s, b["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidSyntax")));
    let (s, _, b) = h.call(Method::POST, &format!("{BASE}/Users"), Some(json!({"displayName": "no userName"}))).await;
    assert_eq!((s, b["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")));
    // A number where a string belongs is refused, not stored as some text of it.
    let mut numeric = entra_create();
    numeric["userName"] = json!("numbers@contoso.com");
    numeric["title"] = json!(1.2345678901234568e29);
    let (s, _, b) = h.call(Method::POST, &format!("{BASE}/Users"), Some(numeric)).await;
    assert_eq!((s, b["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")), "{b}");
}

#[actix_web::test]
async fn bodies_above_the_limit_get_413_and_that_limit_of_ours_switches_import_off() {
    let mut h = Harness::new();
    h.config.scim.max_body_bytes = 1000;
    let mut big = entra_create();
    big["displayName"] = json!("x".repeat(2000));
    let (s, _, b) = h.call(Method::POST, &format!("{BASE}/Users"), Some(big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_scim_error(&b, "413");
    // A change Entra cannot deliver because of a limit of ours breaks synchronization.
    let (s, b) = h.get(&format!("{BASE}/Users")).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(b["detail"].as_str().unwrap().contains("capacity limit"), "{b}");
    let e = h.ports.setup_store().enterprises().unwrap()[0].id;
    assert_eq!(h.ports.person_store().query_persons(e, &ens_ports::PersonQuery::all(10)).unwrap().total, 0);
    // Without the token, nobody learns anything, and nothing is counted.
    let (s, _, _) =
        h.call_with(Method::POST, &format!("{BASE}/Users"), Some(json!({"x": "y".repeat(2000)})), &[]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn failures_of_ours_switch_import_off_and_queue_notices_client_errors_do_not() {
    let h = Harness::new();
    let e = h.ports.setup_store().enterprises().unwrap()[0].id;
    let mut i = h.ports.setup_store().scim_import(e).unwrap().unwrap();
    i.version += 1;
    i.notify = vec![ens_ports::EmailAddress::parse("ops@contoso.com").unwrap()];
    h.ports.setup_store().update_scim_import(&i, None, &[]).unwrap();
    for (method, uri, body) in [
        (Method::GET, format!("{BASE}/Users/not-there"), None),
        (Method::POST, format!("{BASE}/Users"), Some(json!({"displayName": "no userName"}))),
        (Method::POST, format!("{BASE}/Groups"), Some(json!({"displayName": "g"}))),
        (Method::DELETE, format!("{BASE}/Schemas"), None),
    ] {
        let (s, _, _) = h.call(method, &uri, body).await;
        assert!(s.is_client_error() || s == StatusCode::NOT_IMPLEMENTED, "{uri}: {s}");
    }
    assert_eq!(h.get(&format!("{BASE}/Users")).await.0, StatusCode::OK, "the client's mistakes leave import on");
    assert_eq!(h.ports.outbox_store().undelivered_notices(e).unwrap(), 0);
}

#[actix_web::test]
async fn switched_off_import_answers_503_with_retry_after_and_stores_nothing() {
    let h = Harness::new();
    let id = h.create(entra_create()).await["id"].as_str().unwrap().to_owned();
    let e = h.ports.setup_store().enterprises().unwrap()[0].id;
    let mut i = h.ports.setup_store().scim_import(e).unwrap().unwrap();
    i.version += 1;
    i.state = SyncState::DisabledByPrincipal { since: h.ports.now(), by: None };
    h.ports.setup_store().update_scim_import(&i, None, &[]).unwrap();
    // Written behind the use cases' back: tell this instance, as the setup use case does.
    h.ports.forget_cached_setup(e);
    for (method, uri, body) in [
        (Method::GET, format!("{BASE}/Users"), None),
        (Method::POST, format!("{BASE}/Users"), Some(json!({"userName": "new@contoso.com"}))),
        (
            Method::PATCH,
            format!("{BASE}/Users/{id}"),
            Some(json!({"Operations": [{"op":"replace","path":"title","value":"X"}]})),
        ),
        (Method::DELETE, format!("{BASE}/Users/{id}"), None),
        (Method::GET, format!("{BASE}/ServiceProviderConfig"), None),
    ] {
        let (s, headers, b) = h.call(method.clone(), &uri, body).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{method} {uri}");
        assert_scim_error(&b, "503");
        assert!(b["detail"].as_str().unwrap().contains("SCIM import is disabled in ENS+"), "{b}");
        assert!(headers.contains_key("retry-after"));
    }
    let stored = h.ports.person_store().query_persons(e, &ens_ports::PersonQuery::all(10)).unwrap();
    assert_eq!(stored.total, 1);
    assert_eq!(stored.persons[0].values.text(Field::Title), Some("Engineer"));
}

#[actix_web::test]
async fn fields_not_imported_are_neither_stored_nor_shown() {
    let h = Harness::with_mapping(Mapping::from_keys(["user_name", "external_id", "active", "display_name"]).unwrap());
    let created = h.create(entra_create()).await;
    let id = created["id"].as_str().unwrap();
    let got = h.user(id).await;
    assert_eq!(got, created);
    let keys: Vec<&str> = got.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["schemas", "id", "userName", "externalId", "active", "displayName", "meta"]);
    let (s, _) = h.patch(id, json!([{"op":"replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"not validated: not imported"}])).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.user(id).await.get("phoneNumbers").is_none());
}

#[actix_web::test]
async fn discovery_documents_and_what_they_refuse() {
    let h = Harness::new();
    let (s, spc) = h.get(&format!("{BASE}/ServiceProviderConfig")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(spc["bulk"]["supported"], false);
    assert_eq!(spc["changePassword"]["supported"], false);
    assert_eq!(spc["filter"]["maxResults"], 200);
    let (_, rt) = h.get(&format!("{BASE}/ResourceTypes")).await;
    assert_eq!(rt["totalResults"], 1);
    assert_eq!(rt["Resources"][0]["id"], "User");
    assert_eq!(h.get(&format!("{BASE}/ResourceTypes/User")).await.0, StatusCode::OK);
    assert_eq!(h.get(&format!("{BASE}/ResourceTypes/Group")).await.0, StatusCode::NOT_FOUND);
    let (_, schemas) = h.get(&format!("{BASE}/Schemas")).await;
    assert_eq!(schemas["totalResults"], 2);
    assert_eq!(h.get(&format!("{BASE}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).await.0, StatusCode::OK);
    assert_eq!(h.get(&format!("{BASE}/Schemas/urn:nope")).await.0, StatusCode::NOT_FOUND);
    for uri in ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes", "/ResourceTypes/User"] {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            let (s, headers, b) = h.call(method.clone(), &format!("{BASE}{uri}"), Some(json!({}))).await;
            assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
            assert_scim_error(&b, "405");
            assert_eq!(headers.get("allow").unwrap(), "GET");
        }
    }
    let (s, b) = h.get(&format!("{BASE}/Nope")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_scim_error(&b, "404");
    let (s, b) = h.get(&format!("{BASE}/Me")).await;
    assert_eq!(s, StatusCode::NOT_IMPLEMENTED);
    assert_scim_error(&b, "501");
    let (s, _, _) = h.call(Method::DELETE, &format!("{BASE}/Users"), None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
}

#[actix_web::test]
async fn the_configured_retry_after_holds_for_lists_and_searches_too() {
    use std::sync::Arc;

    use ens_ports::faults::{Fault, FaultyStore};
    use ens_ports::memory::{ManualClock, MemoryStore, RecordingMailer, SeqIds};

    let store = Arc::new(FaultyStore::new(Arc::new(MemoryStore::new())));
    let mut policy = ens_ports::Policy::default();
    // Failures of ours leave import on here: the 503s come from the store, not the guard.
    policy.guard.failures_before_switch_off = 100;
    let ports = Ports::new(
        store.clone(),
        Arc::new(ManualClock::default()),
        Arc::new(SeqIds::default()),
        Arc::new(RecordingMailer::default()),
        ens_ports::testing::cheap_passwords(),
        policy,
    );
    enable(&ports, Mapping::default());
    let mut h = Harness { ports, config: HttpConfig::default() };
    h.config.scim.retry_after_secs = 42;
    assert_eq!(h.get(&format!("{BASE}/Users")).await.0, StatusCode::OK, "authenticated, and remembered");
    store.set_fault(Some(Fault::Everything));
    for (method, uri, body) in [
        (Method::GET, format!("{BASE}/Users"), None),
        (Method::POST, format!("{BASE}/Users/.search"), Some(json!({"startIndex": 1}))),
        (Method::GET, format!("{BASE}/Users/{}", uuid::Uuid::nil()), None),
    ] {
        let (s, headers, b) = h.call(method, &uri, body).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{uri}: {b}");
        assert_eq!(headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("42"), "{uri}");
    }
}

#[actix_web::test]
async fn answers_are_never_cached_and_nothing_is_parsed_before_authentication() {
    let h = Harness::new();
    let (s, headers, _) = h.call(Method::GET, &format!("{BASE}/Users"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    for (uri, body) in [
        (format!("{BASE}/Users?startIndex=x"), None),
        (format!("{BASE}/Users?filter=%28%28%28"), None),
        (format!("{BASE}/Users/.search"), Some(json!("not a search"))),
    ] {
        let method = if body.is_some() { Method::POST } else { Method::GET };
        let (s, headers, b) = h.call_with(method, &uri, body, &[("Authorization", "Bearer wrong")]).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{uri}: {b}");
        assert_eq!(headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"), "{uri}");
    }
    let (s, _, _) = h.call(Method::GET, &format!("{BASE}/Users?startIndex=x"), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "with a token, the query is read");
}
