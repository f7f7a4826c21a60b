//! Setup › SCIM Import: what principals configure, scoped to their enterprise.

use ens_domain::{
    Activity, ActivityKind, Actor, Departure, DepartureRule, EmailAddress, Enterprise, EnterpriseId, Field, Language,
    Mapping, Notice, NoticeId, NoticeKind, Outcome, Retirement, Said, ScimImport, SecretToken, SyncState, TokenInfo,
};

use super::principals::PrincipalContext;
use super::{AddressProblem, AddressRefusal, AdminError};
use crate::Ports;
use crate::outbound::StoreError;

/// How often Entra's provisioning engine runs a cycle. Import switched off for longer than
/// this has answered Entra 503 through at least one cycle; Entra then quarantines the job and
/// retries only every few hours, later daily, until its admin restarts provisioning.
pub const ENTRA_CYCLE: std::time::Duration = std::time::Duration::from_secs(40 * 60);

/// Most notification addresses an enterprise may have.
pub const MAX_NOTIFY_ADDRESSES: usize = 20;

/// How often a setup change is retried when another change won the race.
const MAX_ATTEMPTS: usize = 5;

/// The result of sending a test e-mail to one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestDelivery {
    pub address: EmailAddress,
    /// `None` when the mail server accepted it; otherwise why not.
    pub error: Option<String>,
}

impl Ports {
    pub(super) fn principal_activity(&self, ctx: &PrincipalContext, kind: ActivityKind, detail: Said) -> Activity {
        Activity {
            enterprise_id: ctx.enterprise(),
            at: self.clock.now(),
            kind,
            actor: Actor::Principal(ctx.principal.id),
            outcome: Outcome::Applied,
            person_id: None,
            user_name: None,
            detail,
        }
    }

    /// Reads, changes and writes the caller's import setup, again if another change won.
    /// `change` returns the activity entry to write with it.
    pub(crate) fn change_import(
        &self,
        ctx: &PrincipalContext,
        mut change: impl FnMut(&mut ScimImport) -> Result<Option<Activity>, AdminError>,
    ) -> Result<ScimImport, AdminError> {
        ctx.require_ready()?;
        for _ in 0..MAX_ATTEMPTS {
            let mut import = self.setup.scim_import(ctx.enterprise())?.ok_or(AdminError::NotFound)?;
            let before = import.clone();
            let activity = change(&mut import)?;
            if import == before {
                return Ok(import);
            }
            import.version = before.version + 1;
            match self.setup.update_scim_import(&import, activity.as_ref(), &[]) {
                Ok(()) => {
                    // A new token, the switch or the mapping apply at once on this instance.
                    self.forget_cached_setup(ctx.enterprise());
                    if import.state.accepts_scim()
                        && !before.state.accepts_scim()
                        && let Err(e) = self.setup.clear_refused_while_off(ctx.enterprise())
                    {
                        // Only the count on Setup is affected; the switch-on stands.
                        tracing::warn!(error = %e, "could not forget the changes refused while import was off");
                    }
                    return Ok(import);
                }
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AdminError::Conflict)
    }

    /// The caller's enterprise and its SCIM import setup.
    pub fn import_setup(&self, ctx: &PrincipalContext) -> Result<(Enterprise, ScimImport), AdminError> {
        ctx.require_ready()?;
        let enterprise = self.setup.enterprise(ctx.enterprise())?.ok_or(AdminError::NotFound)?;
        let import = self.setup.scim_import(ctx.enterprise())?.ok_or(AdminError::NotFound)?;
        Ok((enterprise, import))
    }

    /// Generates a new secret token, returned this once and stored only as a hash. The token
    /// it replaces keeps working until Entra first uses the new one, the overlap
    /// (`Policy::token_overlap`) ends, or a principal revokes it: between the regeneration and
    /// the moment Entra's admin pastes the new token, Entra is not cut off (invalid
    /// credentials put its provisioning job into quarantine at once). At most two tokens
    /// live: a previous token still live is retired now.
    pub fn generate_scim_token(&self, ctx: &PrincipalContext) -> Result<(SecretToken, ScimImport), AdminError> {
        let token = self.ids.new_secret();
        let now = self.clock.now();
        let info = TokenInfo { hash: token.hash(), created_at: now, last4: token.last4() };
        let until = now.saturating_add(self.policy.token_overlap);
        let import = self.change_import(ctx, |i| {
            let replaced = i.token.as_ref().map(|t| t.last4.clone());
            let retired = i.rotate(info.clone(), until);
            let mut detail = match replaced {
                None => Said::new("token-generated-first").with("last4", info.last4.as_str()),
                Some(old) => Said::new("token-generated")
                    .with("last4", info.last4.as_str())
                    .with("previous", old)
                    .with("until", until),
            };
            if let Some(r) = retired {
                detail = detail.and(Retirement::Replaced.said(&r.last4));
            }
            Ok(Some(self.principal_activity(ctx, ActivityKind::TokenGenerated, detail)))
        })?;
        tracing::info!(enterprise = %ctx.enterprise(), principal = %ctx.principal.id, last4 = %info.last4, "SCIM token generated");
        Ok((token, import))
    }

    /// "Revoke the previous token now": it stops working at once (on other instances within
    /// the authentication cache's second).
    pub fn revoke_previous_token(&self, ctx: &PrincipalContext) -> Result<ScimImport, AdminError> {
        let by = ctx.principal.login.to_string();
        self.change_import(ctx, |i| {
            let retired = i.retire_previous().ok_or(AdminError::NoPreviousToken)?;
            let detail = Retirement::Revoked { by: by.clone() }.said(&retired.last4);
            Ok(Some(self.principal_activity(ctx, ActivityKind::TokenRetired, detail)))
        })
    }

    /// Retires the previous token of `enterprise` (if it still has one) for `why`, with its
    /// activity entry; returns the setup as written.
    pub(crate) fn retire_previous_token(
        &self,
        enterprise: EnterpriseId,
        why: Retirement,
        actor: Actor,
    ) -> Result<ScimImport, StoreError> {
        for _ in 0..MAX_ATTEMPTS {
            let mut import = self.setup.scim_import(enterprise)?.ok_or(StoreError::NotFound)?;
            let Some(retired) = import.retire_previous() else { return Ok(import) };
            import.version += 1;
            let entry = Activity {
                enterprise_id: enterprise,
                at: self.clock.now(),
                kind: ActivityKind::TokenRetired,
                actor,
                outcome: Outcome::Applied,
                person_id: None,
                user_name: None,
                detail: why.said(&retired.last4),
            };
            match self.setup.update_scim_import(&import, Some(&entry), &[]) {
                Ok(()) => {
                    self.forget_cached_setup(enterprise);
                    tracing::info!(enterprise = %enterprise, last4 = %retired.last4, reason = ?why, "previous SCIM token retired");
                    return Ok(import);
                }
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict)
    }

    /// Retires every previous token whose overlap has ended (the worker runs it): they stop
    /// working at the end of the overlap anyway; this records it. Returns how many.
    pub fn retire_expired_tokens(&self) -> Result<usize, StoreError> {
        let expired = self.setup.scim_imports_with_expired_previous_token(self.clock.now())?;
        for import in &expired {
            self.retire_previous_token(import.enterprise_id, Retirement::OverlapOver, Actor::SyncGuard)?;
        }
        Ok(expired.len())
    }

    /// Chooses the language the notification addresses are written to in.
    pub fn set_notice_language(&self, ctx: &PrincipalContext, language: Language) -> Result<ScimImport, AdminError> {
        self.change_import(ctx, |i| {
            i.notice_language = language;
            let detail = Said::new("notice-language-changed").with("language", language.tag());
            Ok(Some(self.principal_activity(ctx, ActivityKind::NoticeLanguageChanged, detail)))
        })
    }

    /// Replaces the notification addresses (zero or more; duplicates ignored).
    pub fn set_notify_addresses(&self, ctx: &PrincipalContext, raw: &[String]) -> Result<ScimImport, AdminError> {
        let mut problems = Vec::new();
        let mut addresses: Vec<EmailAddress> = Vec::new();
        for (index, value) in raw.iter().enumerate() {
            match EmailAddress::parse(value) {
                Ok(a) if addresses.iter().any(|x| x.as_str().eq_ignore_ascii_case(a.as_str())) => {}
                Ok(a) => addresses.push(a),
                Err(e) => problems.push(AddressProblem { index, value: value.clone(), reason: e.into() }),
            }
        }
        if addresses.len() > MAX_NOTIFY_ADDRESSES {
            problems.push(AddressProblem {
                index: MAX_NOTIFY_ADDRESSES,
                value: String::new(),
                reason: AddressRefusal::TooMany { max: MAX_NOTIFY_ADDRESSES },
            });
        }
        if !problems.is_empty() {
            return Err(AdminError::InvalidAddresses(problems));
        }
        self.change_import(ctx, |i| {
            i.notify = addresses.clone();
            let detail = if addresses.is_empty() {
                Said::new("notify-addresses-none")
            } else {
                Said::new("notify-addresses").with("addresses", EmailAddress::list(&addresses))
            };
            Ok(Some(self.principal_activity(ctx, ActivityKind::NotifyAddressesChanged, detail)))
        })
    }

    /// Switches SCIM import on (needs a token) or off. Switching on clears a failure.
    pub fn set_import_enabled(&self, ctx: &PrincipalContext, enabled: bool) -> Result<ScimImport, AdminError> {
        Ok(self.switch_import(ctx, enabled)?.0)
    }

    /// [`Ports::set_import_enabled`], also saying how long import had been off when it is
    /// switched on now: longer than one Entra cycle, and Entra has probably quarantined the job
    /// after the 503s ([`ENTRA_CYCLE`]).
    pub fn switch_import(
        &self,
        ctx: &PrincipalContext,
        enabled: bool,
    ) -> Result<(ScimImport, Option<std::time::Duration>), AdminError> {
        let now = self.clock.now();
        if enabled {
            // Whatever this instance held of a failure is over: a principal looked at it.
            self.guard_forget(ctx.enterprise());
        }
        let mut was_off_for = None;
        let import = self.change_import(ctx, |i| {
            let previous = i.state.clone();
            was_off_for = (enabled && !previous.accepts_scim() && i.last_request_at.is_some())
                .then(|| now.since(previous.since()));
            i.state = if enabled {
                previous.enable(now, Some(ctx.principal.id), i.token.is_some()).map_err(|_| AdminError::NoToken)?
            } else {
                previous.disable(now, Some(ctx.principal.id))
            };
            if i.state == previous {
                return Ok(None);
            }
            let (kind, detail) = match (&previous, enabled) {
                (SyncState::DisabledByFailure { failure, .. }, true) => (
                    ActivityKind::ImportSwitchedOn,
                    Said::new("switched-on-after-failure").with("failure", failure.kind.said()),
                ),
                (_, true) => (ActivityKind::ImportSwitchedOn, Said::new("switched-on")),
                (_, false) => (ActivityKind::ImportSwitchedOff, Said::new("switched-off")),
            };
            Ok(Some(self.principal_activity(ctx, kind, detail)))
        })?;
        Ok((import, was_off_for))
    }

    /// "Allow these changes and switch on": a held mass deactivation was meant (a
    /// reorganisation, say). The departure limit is lifted for one window from now, so that
    /// Entra's retries of what was held go through, and import is switched on. Like
    /// [`Ports::switch_import`], says how long import had been off.
    pub fn allow_held_departures(
        &self,
        ctx: &PrincipalContext,
    ) -> Result<(ScimImport, Option<std::time::Duration>), AdminError> {
        let now = self.clock.now();
        self.guard_forget(ctx.enterprise());
        let mut was_off_for = None;
        let import = self.change_import(ctx, |i| {
            let hold = i.state.hold().cloned().ok_or(AdminError::NoHold)?;
            was_off_for = Some(now.since(i.state.since()));
            let until = now.saturating_add(i.departure_rule.window());
            i.state =
                i.state.enable(now, Some(ctx.principal.id), i.token.is_some()).map_err(|_| AdminError::NoToken)?;
            i.departures_allowed_until = Some(until);
            let detail = Said::new("switched-on-allowing-held").with("hold", hold.said()).with("until", until);
            Ok(Some(self.principal_activity(ctx, ActivityKind::ImportSwitchedOn, detail)))
        })?;
        Ok((import, was_off_for))
    }

    /// Sets the departure limit (within [`DepartureRule`]'s bounds).
    pub fn set_departure_rule(
        &self,
        ctx: &PrincipalContext,
        floor: u32,
        percent: u8,
        window_minutes: u32,
    ) -> Result<ScimImport, AdminError> {
        let rule = DepartureRule::new(floor, percent, window_minutes)?;
        self.change_import(ctx, |i| {
            i.departure_rule = rule;
            let detail = Said::new("departure-limit-changed").with("rule", rule.said());
            Ok(Some(self.principal_activity(ctx, ActivityKind::DepartureLimitChanged, detail)))
        })
    }

    /// The persons the held mass deactivation of the caller's `import` names (the held one
    /// first); none when import is not held.
    pub fn held_departures(&self, ctx: &PrincipalContext, import: &ScimImport) -> Result<Vec<Departure>, AdminError> {
        ctx.require_ready()?;
        match import.state.hold() {
            Some(hold) if import.enterprise_id == ctx.enterprise() => Ok(self.hold_examples(ctx.enterprise(), hold)?),
            _ => Ok(Vec::new()),
        }
    }

    /// When Entra last changed the Person list (for Setup: is Entra back?).
    pub fn last_scim_change(&self, ctx: &PrincipalContext) -> Result<Option<ens_domain::Timestamp>, AdminError> {
        ctx.require_ready()?;
        Ok(self.activity.last_scim_change(ctx.enterprise())?)
    }

    /// How many changes Entra sent while `import` was off (since the day it was switched off):
    /// they wait in Entra, which retries them after a switch-on. `None` while import is on.
    pub fn refused_while_off(&self, ctx: &PrincipalContext, import: &ScimImport) -> Result<Option<u64>, AdminError> {
        ctx.require_ready()?;
        if import.state.accepts_scim() {
            return Ok(None);
        }
        Ok(Some(self.setup.refused_while_off(ctx.enterprise(), import.state.since())?))
    }

    /// Chooses the imported fields; required fields cannot be left out.
    pub fn set_mapping(&self, ctx: &PrincipalContext, keys: &[String]) -> Result<ScimImport, AdminError> {
        let mapping = Mapping::from_keys(keys)?;
        self.change_import(ctx, |i| {
            let added: Vec<Field> = mapping.fields().filter(|f| !i.mapping.admits(*f)).collect();
            let removed: Vec<Field> = i.mapping.fields().filter(|f| !mapping.admits(*f)).collect();
            i.set_mapping(mapping.clone(), self.clock.now());
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(Said::new("mapping-added").with("fields", added));
            }
            if !removed.is_empty() {
                parts.push(Said::new("mapping-removed").with("fields", removed));
            }
            let detail = Said::all(parts).unwrap_or_else(|| Said::new("no-change"));
            Ok(Some(self.principal_activity(ctx, ActivityKind::MappingChanged, detail)))
        })
    }

    /// Sends a test notice to every configured address now, and says how each went.
    pub fn send_test_notice(&self, ctx: &PrincipalContext, setup_url: &str) -> Result<Vec<TestDelivery>, AdminError> {
        let (enterprise, import) = self.import_setup(ctx)?;
        if import.notify.is_empty() {
            return Err(AdminError::NoAddresses);
        }
        let now = self.clock.now();
        Ok(import
            .notify
            .iter()
            .map(|address| {
                let notice = Notice {
                    id: NoticeId(self.ids.new_id()),
                    kind: NoticeKind::Test,
                    enterprise_id: enterprise.id,
                    enterprise_name: enterprise.name.clone(),
                    incident: None,
                    recipient: address.clone(),
                    occurred_at: now,
                    reason: Said::new("test-notice-asked").with("login", ctx.principal.login.as_str()),
                    setup_url: setup_url.to_owned(),
                    examples: Vec::new(),
                    language: import.notice_language,
                };
                let error = self.mailer.send(&notice).err().map(|e| e.to_string());
                if let Some(e) = &error {
                    tracing::warn!(enterprise = %enterprise.id, error = %e, "test e-mail failed");
                }
                TestDelivery { address: address.clone(), error }
            })
            .collect())
    }

    /// The activity log of the caller's enterprise, newest first.
    pub fn activity_log(
        &self,
        ctx: &PrincipalContext,
        filter: &ens_domain::ActivityFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Activity>, u64), AdminError> {
        ctx.require_ready()?;
        Ok(self.activity.activities(ctx.enterprise(), filter, offset, limit)?)
    }

    /// Deletes activity entries older than the retention; returns how many. Departures (the examples of a held mass deactivation) are kept as long.
    pub fn prune_activity(&self) -> Result<u64, AdminError> {
        let before = self.clock.now().saturating_sub(self.policy.activity_retention);
        self.persons.prune_departures(before)?;
        Ok(self.activity.prune_activities(before)?)
    }

    /// Principal logins of an enterprise, by id, to name who did what in the activity log.
    pub fn principal_login(
        &self,
        ctx: &PrincipalContext,
        id: ens_domain::PrincipalId,
    ) -> Result<Option<String>, AdminError> {
        Ok(self
            .setup
            .principal(id)?
            .filter(|r| r.principal.enterprise_id == ctx.enterprise())
            .map(|r| r.principal.login.to_string()))
    }
}

#[cfg(test)]
mod tests;
