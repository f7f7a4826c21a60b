//! The admin API's JSON: request and response bodies, with their OpenAPI schemas.

// Problems are returned on cold paths only; their size does not matter.
#![allow(clippy::result_large_err)]

use ens_ports::usecases::health::{Conflicts, HealthReport};
use ens_ports::usecases::setup::TestDelivery;
use ens_ports::{
    Activity, Actor, Channels, Departure, DepartureRule, Drift, Enterprise, Field, FieldChange, FieldValue, Hold,
    Person, ScimImport, Source, SyncState, Timestamp,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::problem::Problem;
use super::words;
use crate::i18n::{say, string, t, t_with};

fn ts(t: Timestamp) -> String {
    t.to_rfc3339()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The principal's e-mail address.
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrincipalView {
    pub id: String,
    pub login: String,
    pub enterprise_id: String,
    pub enterprise_name: String,
}

/// A session. `token` and `csrf_token` are present only in the answer that created it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>` (REST clients). Browsers get it as an
    /// HttpOnly cookie instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Browsers repeat it in the `X-CSRF-Token` header of every write (it is also in the
    /// `ens_csrf` cookie, readable by the page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    pub expires_at: String,
    /// The password was generated: change it (PUT /api/v1/session/password) before anything else.
    pub password_change_required: bool,
    pub principal: PrincipalView,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// At least 12 characters.
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseView {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FailureView {
    /// `database_unavailable`, `database_error`, `timeout`, `limit`, `internal` or
    /// `mass_deactivation_held`.
    pub kind: String,
    /// What happened, in words.
    pub reason: String,
    pub detail: String,
    pub incident: String,
    /// For `mass_deactivation_held`: what was held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold: Option<HoldView>,
    /// The same request fails again as soon as Entra retries it (a limit of ours refused
    /// it): switching on alone does not help.
    pub recurs_on_retry: bool,
    /// The pages' address of the failed request in the activity log.
    pub activity_link: String,
}

/// A held mass deactivation: Entra tried to take more persons off the alert list than the
/// departure limit allows. Nothing of the held request was applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldView {
    /// Persons that would have left within the window, the held one included.
    pub attempted: u64,
    /// Of those, applied before the hold.
    pub applied: u64,
    /// The limit at the time (persons per window).
    pub threshold: u64,
    pub window_minutes: u32,
    /// The held person first, then those who left before, newest first (20 at most).
    pub examples: Vec<DepartureView>,
    /// The two choices, in words.
    pub choices: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartureView {
    pub person_id: String,
    pub user_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `deactivated` or `deleted`.
    pub action: String,
    pub at: String,
    /// True for the change ENS+ held (not applied); false for those applied before it.
    pub held: bool,
}

impl HoldView {
    pub fn new(hold: &Hold, examples: &[Departure]) -> Self {
        Self {
            attempted: hold.attempted,
            applied: hold.applied(),
            threshold: hold.threshold,
            window_minutes: hold.window_minutes,
            examples: examples
                .iter()
                .enumerate()
                .map(|(i, d)| DepartureView {
                    person_id: d.person_id.to_string(),
                    user_name: d.user_name.clone(),
                    display_name: d.display_name.clone(),
                    action: d.action.as_str().to_owned(),
                    at: ts(d.at),
                    held: i == 0,
                })
                .collect(),
            choices: t("hold-choices"),
        }
    }
}

/// How many persons may leave the alert list before SCIM import is held.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepartureLimitView {
    /// Held when more than max(floor, percent % of the active SCIM persons) leave within
    /// `window_minutes`.
    pub floor: u32,
    pub percent: u8,
    pub window_minutes: u32,
    /// The defaults: 20, 10, 60.
    pub default_floor: u32,
    pub default_percent: u8,
    pub default_window_minutes: u32,
    /// Bounds a principal may choose within.
    pub floor_range: [u32; 2],
    pub percent_range: [u8; 2],
    pub window_minutes_range: [u32; 2],
    /// While a principal's "Allow these changes" lasts, the limit is lifted until then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifted_until: Option<String>,
}

impl DepartureLimitView {
    fn new(import: &ScimImport, now: Timestamp) -> Self {
        let r = import.departure_rule;
        let d = DepartureRule::default();
        Self {
            floor: r.floor,
            percent: r.percent,
            window_minutes: r.window_minutes,
            default_floor: d.floor,
            default_percent: d.percent,
            default_window_minutes: d.window_minutes,
            floor_range: [DepartureRule::FLOOR.0, DepartureRule::FLOOR.1],
            percent_range: [DepartureRule::PERCENT.0, DepartureRule::PERCENT.1],
            window_minutes_range: [DepartureRule::WINDOW_MINUTES.0, DepartureRule::WINDOW_MINUTES.1],
            lifted_until: import.departures_allowed_until.filter(|u| *u > now).map(ts),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DepartureLimitRequest {
    pub floor: u32,
    pub percent: u8,
    pub window_minutes: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StateView {
    /// `on`; `off` (switched off by a principal, or never switched on); `failed` (switched off
    /// by ENS+ after a failure).
    pub status: String,
    pub since: String,
    /// Who switched it: a principal's login, or `ENS+` for the sync guard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureView>,
    /// What a principal should do now, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_to_do: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The token's last four characters, to tell tokens apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last4: Option<String>,
    /// When Entra last authenticated with it (to the minute).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// The token a regeneration replaced, while it still works.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviousTokenView {
    pub created_at: String,
    pub last4: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    /// It stops working then at the latest; earlier as soon as Entra uses the new token, or
    /// when a principal revokes it (DELETE /api/v1/scim-import/token/previous).
    pub works_until: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MappingField {
    /// Stable key, used in PUT /api/v1/scim-import/mapping.
    pub key: String,
    pub label: String,
    /// The attribute as Entra's attribute mapping names it.
    pub scim_path: String,
    pub selected: bool,
    /// Required fields are always imported.
    pub required: bool,
    /// `identity`, `name`, `contact`, `address` or `organization`, for grouping on the pages.
    pub group: String,
    pub group_label: String,
}

/// Setup › SCIM Import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    pub enterprise: EnterpriseView,
    pub state: StateView,
    /// Paste into Entra's provisioning settings as the Tenant URL.
    pub tenant_url: String,
    pub token: TokenView,
    /// The previous token, during its overlap with the current one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_token: Option<PreviousTokenView>,
    pub notify: Vec<String>,
    /// Set when no address is configured: failures then only reach the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_warning: Option<String>,
    pub mapping: Vec<MappingField>,
    pub mapping_hint: String,
    /// The last SCIM request from Entra (recorded at most once a minute).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_request_at: Option<String>,
    /// When Entra last changed the Person list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_change_at: Option<String>,
    /// In the answer to switching on: what to do in Entra so that it is heard there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entra_hint: Option<String>,
    pub departure_limit: DepartureLimitView,
    /// Housekeeping deletes SCIM persons inactive for more than this many days (absent: it
    /// does not delete anyone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purge_inactive_after_days: Option<u32>,
    /// The fewest days the purge rule accepts.
    pub purge_min_days: u32,
    /// While import is off: changes Entra sent since the day it was switched off, refused
    /// with 503. Entra keeps them and retries after a switch-on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_while_off: Option<u64>,
    /// Whom principals contact about a failure they cannot fix themselves.
    pub support_contact: String,
    /// The language of the notices: `en` or `de`.
    pub notice_language: String,
}

impl ImportView {
    /// `examples`: the persons a held mass deactivation names, when import is held.
    pub fn new(
        enterprise: &Enterprise,
        import: &ScimImport,
        tenant_url: String,
        by_login: Option<String>,
        examples: &[Departure],
        support_contact: &str,
        now: Timestamp,
    ) -> Self {
        let support_contact =
            if support_contact.trim().is_empty() { t("support-contact-default") } else { support_contact.to_owned() };
        let support_contact = support_contact.as_str();
        let (status, by, failure, what_to_do) = match &import.state {
            SyncState::Enabled { .. } => ("on", by_login, None, None),
            SyncState::DisabledByPrincipal { .. } => (
                "off",
                by_login,
                None,
                Some(t(if import.token.is_some() { "what-to-do-switch-on" } else { "what-to-do-first-token" })),
            ),
            SyncState::DisabledByFailure { failure, .. } => (
                "failed",
                Some("ENS+".to_owned()),
                Some(FailureView {
                    kind: failure.kind.as_str().to_owned(),
                    reason: say(&failure.kind.said()),
                    detail: say(&failure.detail),
                    incident: failure.incident.to_string(),
                    hold: failure.hold.as_deref().map(|h| HoldView::new(h, examples)),
                    recurs_on_retry: failure.kind.recurs_on_retry(),
                    activity_link: "/activity?outcome=failed".to_owned(),
                }),
                Some(if failure.kind.recurs_on_retry() {
                    t_with("what-to-do-recurs", &[("contact", string(support_contact))])
                } else if failure.hold.is_some() {
                    t("what-to-do-held")
                } else {
                    t_with("what-to-do-failed", &[("contact", string(support_contact))])
                }),
            ),
        };
        Self {
            enterprise: EnterpriseView { id: enterprise.id.to_string(), name: enterprise.name.clone() },
            state: StateView { status: status.to_owned(), since: ts(import.state.since()), by, failure, what_to_do },
            tenant_url,
            token: TokenView {
                exists: import.token.is_some(),
                created_at: import.token.as_ref().map(|t| ts(t.created_at)),
                last4: import.token.as_ref().map(|t| t.last4.clone()),
                last_used_at: import.token_last_used_at.map(ts),
            },
            previous_token: import.previous_token.as_ref().map(|p| PreviousTokenView {
                created_at: ts(p.token.created_at),
                last4: p.token.last4.clone(),
                last_used_at: p.last_used_at.map(ts),
                works_until: ts(p.until),
            }),
            notify: import.notify.iter().map(|a| a.to_string()).collect(),
            notify_warning: import.notify.is_empty().then(|| t("notify-warning-none")),
            mapping: Field::all()
                .map(|f| MappingField {
                    key: f.key().to_owned(),
                    label: words::field_label(f),
                    scim_path: f.scim_path(),
                    selected: import.mapping.admits(f),
                    required: f.is_required(),
                    group: f.group().key().to_owned(),
                    group_label: t(&format!("group-{}", f.group().key())),
                })
                .collect(),
            mapping_hint: t("mapping-hint"),
            last_request_at: import.last_request_at.map(ts),
            last_change_at: None,
            entra_hint: None,
            departure_limit: DepartureLimitView::new(import, now),
            purge_inactive_after_days: import.purge_inactive_after_days,
            refused_while_off: None,
            support_contact: support_contact.to_owned(),
            notice_language: import.notice_language.tag().to_owned(),
            purge_min_days: ens_ports::enterprise::PURGE_MIN_DAYS,
        }
    }
}

/// After switching on an import that was off for longer than one Entra cycle: Entra has
/// seen 503s and has probably quarantined the job.
pub fn restart_hint(was_off_for: std::time::Duration) -> Option<String> {
    (was_off_for > ens_ports::usecases::setup::ENTRA_CYCLE)
        .then(|| t_with("restart-hint", &[("off_for", string(words::duration(&was_off_for)))]))
}

/// A new secret token: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenView {
    pub token: String,
    pub created_at: String,
    pub last4: String,
    pub tenant_url: String,
    pub warning: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EmailsRequest {
    pub addresses: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EnabledRequest {
    pub enabled: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MappingRequest {
    /// Keys of the fields to import; required fields must be among them.
    pub selected: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    pub address: String,
    pub delivered: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<TestDelivery> for DeliveryView {
    fn from(d: TestDelivery) -> Self {
        Self { address: d.address.to_string(), delivered: d.error.is_none(), error: d.error }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TestEmailView {
    /// `sending`, `done`, or `none` (no test yet).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// While `sending`: each address, not delivered yet.
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub at: String,
    /// e.g. `person_created`, `person_patched`, `import_switched_off`.
    pub kind: String,
    /// Who, in words: `SCIM (Entra)`, `ENS+`, `operator`, or a principal's login.
    pub actor: String,
    /// Who, as a key: `scim`, `ens`, `operator` or `principal`.
    pub actor_kind: String,
    /// `applied`, `rejected` or `failed`.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub detail: String,
}

impl ActivityView {
    pub fn new(a: &Activity, principal_login: impl Fn(ens_ports::PrincipalId) -> Option<String>) -> Self {
        let (actor_kind, actor) = match a.actor {
            Actor::Scim => ("scim", t("actor-scim")),
            Actor::SyncGuard => ("ens", "ENS+".to_owned()),
            Actor::Operator => ("operator", t("actor-operator")),
            Actor::Principal(p) => ("principal", principal_login(p).unwrap_or_else(|| t("actor-a-principal"))),
        };
        Self {
            at: ts(a.at),
            kind: a.kind.as_str().to_owned(),
            actor,
            actor_kind: actor_kind.to_owned(),
            outcome: a.outcome.as_str().to_owned(),
            person_id: a.person_id.map(|p| p.to_string()),
            user_name: a.user_name.clone(),
            detail: say(&a.detail),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<ActivityView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: String,
    pub user_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub active: bool,
    /// Since when the person is inactive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_since: Option<String>,
    /// Whether any channel (mobile, work phone, work or other e-mail) holds a value.
    pub alertable: bool,
    /// `scim` (from Entra) or `manual`.
    pub source: String,
    /// When SCIM last changed this person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scim_updated_at: Option<String>,
    pub updated_at: String,
}

impl From<&Person> for PersonSummary {
    fn from(p: &Person) -> Self {
        Self {
            id: p.id.to_string(),
            user_name: p.values.user_name().to_string(),
            display_name: p.values.text(Field::DisplayName).map(str::to_owned),
            email: p.values.text(Field::EmailWork).or(p.values.text(Field::EmailOther)).map(str::to_owned),
            mobile: p.values.text(Field::PhoneMobile).map(str::to_owned),
            department: p.values.text(Field::Department).map(str::to_owned),
            active: p.values.active(),
            inactive_since: p.inactive_since.map(ts),
            alertable: !Channels::of(&p.values).is_empty(),
            source: p.source.as_str().to_owned(),
            scim_updated_at: p.scim_updated_at.map(ts),
            updated_at: ts(p.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonPageView {
    pub items: Vec<PersonSummary>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDetail {
    pub id: String,
    pub source: String,
    pub version: u64,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scim_updated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactive_since: Option<String>,
    /// Every field with a value, by stable key (`active` is a boolean, the rest strings).
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// Keys of the fields Entra owns for this person (empty for a manual person): they can
    /// only be changed in Entra.
    pub imported: Vec<String>,
    /// The person the Manager field names, when that person is in the Person list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<PersonRef>,
}

/// Another person, by name, for a link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: String,
    /// The display name, else the user name.
    pub name: String,
}

impl From<&Person> for PersonRef {
    fn from(p: &Person) -> Self {
        let name = p.values.text(Field::DisplayName).map_or_else(|| p.values.user_name().to_string(), str::to_owned);
        Self { id: p.id.to_string(), name }
    }
}

impl PersonDetail {
    pub fn new(p: &Person, import: &ScimImport) -> Self {
        let fields = p
            .values
            .iter()
            .map(|(f, v)| {
                let v = match v {
                    FieldValue::Bool(b) => Value::Bool(b),
                    FieldValue::Text(s) => Value::String(s),
                };
                (f.key().to_owned(), v)
            })
            .collect();
        let imported = match p.source {
            Source::Scim => import.mapping.keys().into_iter().map(str::to_owned).collect(),
            Source::Manual => Vec::new(),
        };
        Self {
            id: p.id.to_string(),
            source: p.source.as_str().to_owned(),
            version: p.version,
            active: p.values.active(),
            created_at: ts(p.created_at),
            updated_at: ts(p.updated_at),
            scim_updated_at: p.scim_updated_at.map(ts),
            inactive_since: p.inactive_since.map(ts),
            fields,
            imported,
            manager: None,
        }
    }
}

/// Creates a manual person, or changes fields of one (`null` clears a field).
#[derive(Debug, Deserialize, ToSchema)]
pub struct PersonWrite {
    /// Field values by stable key, e.g. `{"user_name": "jdoe@contoso.com", "phone_mobile": "+41 79 000 00 00"}`.
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// The version the change is based on; refused with 409 if the person changed since.
    #[serde(default)]
    pub version: Option<u64>,
}

impl PersonWrite {
    pub fn changes(&self) -> Result<Vec<FieldChange>, Problem> {
        self.fields
            .iter()
            .map(|(key, v)| {
                let field = Field::from_key(key).ok_or_else(|| {
                    let mut p =
                        Problem::bad_request(t_with("problem-no-such-field", &[("key", string(format!("{key:?}")))]));
                    p.fields = Some(vec![key.clone()]);
                    p
                })?;
                let value = match v {
                    Value::Null => None,
                    Value::Bool(b) => Some(FieldValue::Bool(*b)),
                    Value::String(s) => Some(FieldValue::Text(s.clone())),
                    Value::Number(n) => Some(FieldValue::Text(n.to_string())),
                    _ => {
                        let mut p =
                            Problem::bad_request(t_with("problem-field-type", &[("key", string(key.as_str()))]));
                        p.fields = Some(vec![key.clone()]);
                        return Err(p);
                    }
                };
                Ok(FieldChange { field, value })
            })
            .collect()
    }
}

/// Setup's Health section: will an alert reach everyone?
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    pub persons: PersonCountsView,
    /// Active persons no channel of which holds a value (Persons filter `reach=unreachable`).
    pub unreachable: u64,
    /// Active persons from Entra whose every channel is a field no longer imported: their
    /// numbers and addresses are not kept up to date (`reach=only_not_imported`).
    pub only_not_imported: u64,
    /// Activity log entries in the last 24 hours.
    pub applied_last_day: u64,
    pub refused_last_day: u64,
    /// Fields on which ENS+'s mapping and Entra's seem to disagree.
    pub drift: Vec<DriftView>,
    /// Entra's creates refused in the last 30 days because the userName is taken.
    pub refused_creates: u64,
    /// Manual persons whose work e-mail belongs to a person from Entra.
    pub shared_identities: u64,
    /// Persons inactive for more than `long_inactive_days` (Persons filter `inactive_days`).
    pub long_inactive: u64,
    /// There are more than `long_inactive` (counting stops at 1,000).
    pub long_inactive_capped: bool,
    pub long_inactive_days: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonCountsView {
    pub total: u64,
    pub active: u64,
    pub inactive: u64,
    pub from_entra: u64,
    pub manual: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DriftView {
    pub key: String,
    pub label: String,
    /// `not_sent_by_entra` (imported here, but Entra has not sent it since it was selected,
    /// although it created persons since) or `not_imported` (Entra sends it; not imported).
    pub kind: String,
    pub advice: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_created: Option<String>,
}

impl From<&HealthReport> for HealthView {
    fn from(h: &HealthReport) -> Self {
        let c = &h.counts;
        Self {
            persons: PersonCountsView {
                total: c.total(),
                active: c.active(),
                inactive: c.total() - c.active(),
                from_entra: c.from_source(Source::Scim),
                manual: c.from_source(Source::Manual),
            },
            unreachable: h.unreachable,
            only_not_imported: h.only_not_imported,
            applied_last_day: h.applied_last_day,
            refused_last_day: h.refused_last_day,
            drift: h
                .drift
                .iter()
                .map(|d| {
                    let (kind, selected_since, last_sent, last_created) = match d {
                        Drift::NotSentByEntra { selected_since, last_sent, last_created, .. } => (
                            "not_sent_by_entra",
                            (*selected_since != Timestamp::UNIX_EPOCH).then(|| ts(*selected_since)),
                            last_sent.map(ts),
                            Some(ts(*last_created)),
                        ),
                        Drift::NotImported { last_sent, .. } => ("not_imported", None, Some(ts(*last_sent)), None),
                    };
                    DriftView {
                        key: d.field().key().to_owned(),
                        label: words::field_label(d.field()),
                        kind: kind.to_owned(),
                        advice: t(match d {
                            Drift::NotSentByEntra { .. } => "drift-advice-not-sent",
                            Drift::NotImported { .. } => "drift-advice-not-imported",
                        }),
                        selected_since,
                        last_sent,
                        last_created,
                    }
                })
                .collect(),
            refused_creates: h.refused_creates,
            shared_identities: h.shared_identities,
            long_inactive: h.long_inactive.min(ens_ports::usecases::health::COUNT_CAP),
            long_inactive_capped: h.long_inactive > ens_ports::usecases::health::COUNT_CAP,
            long_inactive_days: h.long_inactive_days,
        }
    }
}

/// The conflicts report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictsView {
    /// Entra's creates refused in the last 30 days because the userName is taken, newest
    /// first, with the person holding it (absent if deleted since).
    pub refused_creates: Vec<RefusedCreateView>,
    pub refused_total: u64,
    /// Manual persons whose work e-mail is the work e-mail or userName of a person from Entra.
    pub shared: Vec<SharedIdentityView>,
    pub shared_total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefusedCreateView {
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<PersonSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SharedIdentityView {
    pub manual: PersonSummary,
    pub from_entra: PersonSummary,
}

impl From<&Conflicts> for ConflictsView {
    fn from(c: &Conflicts) -> Self {
        Self {
            refused_creates: c
                .refused_creates
                .iter()
                .map(|(a, holder)| RefusedCreateView {
                    at: ts(a.at),
                    user_name: a.user_name.clone(),
                    detail: say(&a.detail),
                    holder: holder.as_ref().map(PersonSummary::from),
                })
                .collect(),
            refused_total: c.refused_total,
            shared: c
                .shared
                .iter()
                .map(|(m, s)| SharedIdentityView { manual: m.into(), from_entra: s.into() })
                .collect(),
            shared_total: c.shared_total,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoticeLanguageRequest {
    /// `en` or `de`.
    pub language: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PurgeRequest {
    /// Delete SCIM persons inactive for more than this many days (30 at least); `null`
    /// switches the rule off.
    pub days: Option<u32>,
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::restart_hint;

    #[test]
    fn a_restart_is_suggested_after_more_than_one_entra_cycle_off() {
        assert_eq!(restart_hint(Duration::from_secs(30 * 60)), None);
        let hint = restart_hint(Duration::from_secs(3 * 3600)).expect("a hint");
        assert!(hint.contains("3 hours") && hint.contains("Restart provisioning"), "{hint}");
    }
}
