-- Clients in the admin API (S8): an optional owning organization (an
-- organization's administrators and keys see only its clients) and soft
-- deletion (a deleted client answers 404 and stops working; a superuser
-- restores it).
ALTER TABLE clients ADD COLUMN organization_id TEXT;
ALTER TABLE clients ADD COLUMN deleted_at TIMESTAMP;
ALTER TABLE clients ADD COLUMN deleted_by TEXT;
CREATE INDEX clients_organization_id ON clients (organization_id);
