#![doc = include_str!("../README.md")]

pub mod activity;
pub mod catalogue;
pub mod departures;
pub mod enterprise;
pub mod guard;
pub mod health;
pub mod ids;
pub mod language;
pub mod mapping;
pub mod notice;
pub mod person;
pub mod query;
pub mod said;
pub mod session;
pub mod sync;
pub mod time;
pub mod values;

pub use activity::{Activity, ActivityFilter, ActivityKind, Actor, Outcome};
pub use catalogue::{CATALOGUE, Field, FieldGroup, FieldSpec, Location, Schema, ValueType};
pub use departures::{Crossing, Departure, DepartureAction, DepartureLimit, DepartureRule, DepartureRuleError, Hold};
pub use enterprise::{Enterprise, PreviousToken, Principal, Retirement, ScimImport, TokenInfo, TokenUse};
pub use guard::RequestEnd;
pub use health::{CHANNELS, Channels, Drift, EntraMark, PersonCounts, Reach};
pub use ids::{EnterpriseId, IncidentId, PersonId, PrincipalId};
pub use language::Language;
pub use mapping::{Mapping, MappingError};
pub use notice::{Notice, NoticeId, NoticeKind};
pub use person::{FieldChange, FieldError, FieldValue, Person, PersonValues, Source};
pub use query::{Attr, AttrKind, CmpOp, Filter, FilterError, PersonQuery, Sort};
pub use said::{Arg, Said};
pub use session::{Session, SessionPolicy};
pub use sync::{Failure, FailureKind, SyncError, SyncState};
pub use time::Timestamp;
pub use values::{EmailAddress, Expected, SecretToken, TokenHash, UserName, ValueError};
