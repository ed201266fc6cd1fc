-- Keyset pages of webhook deliveries, newest first: a subscription's, and
-- the dead-letter queue by status (the admin API's next_cursor).
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at, id);
CREATE INDEX webhook_deliveries_status_idx ON webhook_deliveries (status, created_at, id);
-- Subscriptions in creation order.
CREATE INDEX webhooks_created_idx ON webhooks (created_at, id);
