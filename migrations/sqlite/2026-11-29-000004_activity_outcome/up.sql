-- The activity log filtered by outcome (failures, refusals) without scanning it.
CREATE INDEX activities_enterprise_outcome ON activities (enterprise_id, outcome, seq);
