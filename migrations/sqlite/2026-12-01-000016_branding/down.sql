DROP TABLE organization_branding;
