DROP INDEX clients_organization_id;
ALTER TABLE clients DROP COLUMN deleted_by;
ALTER TABLE clients DROP COLUMN deleted_at;
ALTER TABLE clients DROP COLUMN organization_id;
