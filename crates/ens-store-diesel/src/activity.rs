//! `ActivityLog`: what SCIM did and who changed the setup, newest first.

use diesel::prelude::*;
use ens_domain::{Activity, ActivityFilter, ActivityKind, Actor, EnterpriseId, Outcome, Timestamp};
use ens_ports::{ActivityLog, StoreError};

use crate::conn::DbConnection;
use crate::schema::activities;
use crate::{DieselStore, corrupt, to_i64, to_u64};

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = activities)]
struct NewActivityRow {
    enterprise_id: String,
    at: i64,
    kind: String,
    actor: String,
    outcome: String,
    person_id: Option<String>,
    user_name: Option<String>,
    detail: String,
}

fn actor_str(a: Actor) -> String {
    match a {
        Actor::Scim => "scim".into(),
        Actor::Operator => "operator".into(),
        Actor::SyncGuard => "sync_guard".into(),
        Actor::Principal(p) => format!("principal:{p}"),
    }
}

fn parse_actor(s: &str) -> Option<Actor> {
    match s {
        "scim" => Some(Actor::Scim),
        "operator" => Some(Actor::Operator),
        "sync_guard" => Some(Actor::SyncGuard),
        _ => s.strip_prefix("principal:").and_then(|p| p.parse().ok()).map(Actor::Principal),
    }
}

impl NewActivityRow {
    fn into_activity(self) -> Result<Activity, StoreError> {
        Ok(Activity {
            enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("activity enterprise"))?,
            at: Timestamp::from_micros(self.at),
            kind: ActivityKind::parse(&self.kind).ok_or_else(|| corrupt("activity kind"))?,
            actor: parse_actor(&self.actor).ok_or_else(|| corrupt("activity actor"))?,
            outcome: Outcome::parse(&self.outcome).ok_or_else(|| corrupt("activity outcome"))?,
            person_id: self.person_id.as_deref().and_then(|p| p.parse().ok()),
            user_name: self.user_name,
            detail: crate::said::decode(&self.detail),
        })
    }
}

/// Appends an activity entry on `c` (inside the caller's transaction).
pub(crate) fn insert_activity(c: &mut DbConnection, a: &Activity) -> QueryResult<()> {
    let row = NewActivityRow {
        enterprise_id: a.enterprise_id.to_string(),
        at: a.at.as_micros(),
        kind: a.kind.as_str().to_owned(),
        actor: actor_str(a.actor),
        outcome: a.outcome.as_str().to_owned(),
        person_id: a.person_id.map(|p| p.to_string()),
        user_name: a.user_name.clone(),
        detail: crate::said::encode(&a.detail),
    };
    diesel::insert_into(activities::table).values(&row).execute(c).map(drop)
}

impl ActivityLog for DieselStore {
    fn record(&self, activity: &Activity) -> Result<(), StoreError> {
        let activity = activity.clone();
        self.write_grouped(move |c| Ok(insert_activity(c, &activity)?))
    }

    fn activities(
        &self,
        enterprise: EnterpriseId,
        filter: &ActivityFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Activity>, u64), StoreError> {
        let outcomes: Vec<&str> = filter.outcomes.iter().map(|o| o.as_str()).collect();
        let kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
        let person = filter.person.map(|p| p.to_string());
        let since = filter.since.map(Timestamp::as_micros);
        let (rows, total) = self.read(|c| {
            // Answered from an index whatever the filter: (enterprise_id, outcome, seq) for the
            // few failures among a long log, (enterprise_id, outcome, at) for the last day,
            // (person_id, seq) for one person's entries.
            let mine = || {
                let mut q = activities::table.filter(activities::enterprise_id.eq(enterprise.to_string())).into_boxed();
                if !outcomes.is_empty() {
                    q = q.filter(activities::outcome.eq_any(outcomes.clone()));
                }
                if !kinds.is_empty() {
                    q = q.filter(activities::kind.eq_any(kinds.clone()));
                }
                if let Some(p) = &person {
                    q = q.filter(activities::person_id.eq(p.clone()));
                }
                if let Some(t) = since {
                    q = q.filter(activities::at.ge(t));
                }
                q
            };
            let rows: Vec<NewActivityRow> = if limit == 0 {
                Vec::new()
            } else {
                mine()
                    .order_by(activities::seq.desc())
                    .offset(to_i64(offset))
                    .limit(to_i64(limit))
                    .select(NewActivityRow::as_select())
                    .load(c)?
            };
            let total: i64 = mine().count().get_result(c)?;
            Ok((rows, total))
        })?;
        let list = rows.into_iter().map(NewActivityRow::into_activity).collect::<Result<_, _>>()?;
        Ok((list, to_u64(total)))
    }

    fn last_scim_change(&self, enterprise: EnterpriseId) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<i64> = self.read(|c| {
            activities::table
                .filter(activities::enterprise_id.eq(enterprise.to_string()))
                .filter(activities::outcome.eq(Outcome::Applied.as_str()))
                .filter(activities::actor.eq(actor_str(Actor::Scim)))
                .order_by(activities::seq.desc())
                .select(activities::at)
                .first(c)
                .optional()
        })?;
        Ok(at.map(Timestamp::from_micros))
    }

    fn prune_activities(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.write(|c| {
            let n = diesel::delete(activities::table.filter(activities::at.lt(before.as_micros()))).execute(c)?;
            Ok(n as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use ens_domain::PrincipalId;

    use super::*;

    #[test]
    fn actors_round_trip() {
        let p = Actor::Principal(PrincipalId::from_uuid(uuid::Uuid::from_u128(7)));
        for a in [Actor::Scim, Actor::Operator, Actor::SyncGuard, p] {
            assert_eq!(parse_actor(&actor_str(a)), Some(a));
        }
        assert_eq!(parse_actor("someone"), None);
    }
}
