DROP INDEX IF EXISTS webhooks_created_idx;
DROP INDEX IF EXISTS webhook_deliveries_status_idx;
DROP INDEX IF EXISTS webhook_deliveries_subscription_idx;
