//! `Outbox`: notices waiting to be delivered, claimed with a lease.

use std::time::Duration;

use diesel::prelude::*;
use ens_domain::{EmailAddress, EnterpriseId, Language, Notice, NoticeId, NoticeKind, Timestamp};
use ens_ports::{Outbox, OutboxEntry, StoreError};

use crate::schema::outbox;
use crate::{DieselStore, corrupt, to_i64, to_u64};

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub(crate) struct OutboxRow {
    id: String,
    enterprise_id: String,
    kind: String,
    enterprise_name: String,
    incident_id: Option<String>,
    recipient: String,
    occurred_at: i64,
    reason: String,
    setup_url: String,
    created_at: i64,
    attempts: i32,
    next_attempt_at: i64,
    examples: String,
    language: String,
}

impl OutboxRow {
    pub(crate) fn new(n: &Notice, now: Timestamp) -> Self {
        Self {
            id: n.id.to_string(),
            enterprise_id: n.enterprise_id.to_string(),
            kind: n.kind.as_str().to_owned(),
            enterprise_name: n.enterprise_name.clone(),
            incident_id: n.incident.map(|i| i.to_string()),
            recipient: n.recipient.as_str().to_owned(),
            occurred_at: n.occurred_at.as_micros(),
            reason: crate::said::encode(&n.reason),
            setup_url: n.setup_url.clone(),
            created_at: now.as_micros(),
            attempts: 0,
            next_attempt_at: now.as_micros(),
            examples: crate::said::encode_all(&n.examples),
            language: n.language.tag().to_owned(),
        }
    }

    fn into_entry(self) -> Result<OutboxEntry, StoreError> {
        Ok(OutboxEntry {
            notice: Notice {
                id: NoticeId(self.id.parse().map_err(|_| corrupt("notice id"))?),
                kind: NoticeKind::parse(&self.kind).ok_or_else(|| corrupt("notice kind"))?,
                enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("notice enterprise"))?,
                enterprise_name: self.enterprise_name,
                incident: self
                    .incident_id
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|_| corrupt("notice incident"))?,
                recipient: EmailAddress::parse(&self.recipient).map_err(|_| corrupt("notice recipient"))?,
                occurred_at: Timestamp::from_micros(self.occurred_at),
                reason: crate::said::decode(&self.reason),
                setup_url: self.setup_url,
                examples: crate::said::decode_all(&self.examples),
                language: Language::from_tag(&self.language).ok_or_else(|| corrupt("notice language"))?,
            },
            attempts: u32::try_from(self.attempts).unwrap_or(0),
        })
    }
}

impl Outbox for DieselStore {
    fn claim_due_notices(&self, now: Timestamp, lease: Duration, limit: u64) -> Result<Vec<OutboxEntry>, StoreError> {
        let t = now.as_micros();
        let until = now.saturating_add(lease).as_micros();
        let unclaimed = || {
            outbox::table
                .filter(outbox::delivered_at.is_null())
                .filter(outbox::abandoned_at.is_null())
                .filter(outbox::next_attempt_at.le(t))
                .filter(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(t)))
        };
        let candidates: Vec<String> = self.read(|c| {
            unclaimed().order_by(outbox::next_attempt_at.asc()).limit(to_i64(limit)).select(outbox::id).load(c)
        })?;
        let mut claimed = Vec::new();
        for id in candidates {
            // The conditional update is the claim: of several instances, one changes the row.
            let row = self.write(|c| {
                let n = diesel::update(unclaimed().filter(outbox::id.eq(&id)))
                    .set(outbox::claimed_until.eq(Some(until)))
                    .execute(c)?;
                if n == 0 {
                    return Ok(None);
                }
                Ok(Some(outbox::table.filter(outbox::id.eq(&id)).select(OutboxRow::as_select()).first::<OutboxRow>(c)?))
            })?;
            if let Some(r) = row {
                claimed.push(r.into_entry()?);
            }
        }
        Ok(claimed)
    }

    fn notice_delivered(&self, id: NoticeId, at: Timestamp) -> Result<(), StoreError> {
        self.write(|c| {
            diesel::update(outbox::table.filter(outbox::id.eq(id.to_string())))
                .set((
                    outbox::delivered_at.eq(Some(at.as_micros())),
                    outbox::claimed_until.eq(None::<i64>),
                    outbox::attempts.eq(outbox::attempts + 1),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    fn notice_failed(
        &self,
        id: NoticeId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
        let error: String = error.chars().take(500).collect();
        self.write(|c| {
            let target = outbox::table.filter(outbox::id.eq(id.to_string()));
            match retry_at {
                Some(t) => diesel::update(target)
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::next_attempt_at.eq(t.as_micros()),
                        outbox::claimed_until.eq(None::<i64>),
                        outbox::last_error.eq(Some(&error)),
                    ))
                    .execute(c)?,
                None => diesel::update(target)
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::abandoned_at.eq(Some(now.as_micros())),
                        outbox::claimed_until.eq(None::<i64>),
                        outbox::last_error.eq(Some(&error)),
                    ))
                    .execute(c)?,
            };
            Ok(())
        })
    }

    fn undelivered_notices(&self, enterprise: EnterpriseId) -> Result<u64, StoreError> {
        let n: i64 = self.read(|c| {
            outbox::table
                .filter(outbox::enterprise_id.eq(enterprise.to_string()))
                .filter(outbox::delivered_at.is_null())
                .filter(outbox::abandoned_at.is_null())
                .count()
                .get_result(c)
        })?;
        Ok(to_u64(n))
    }
}
