-- One database per service; each service migrates its own at start.
CREATE DATABASE platform_gateway;
CREATE DATABASE platform_payments;
CREATE DATABASE platform_risk;
CREATE DATABASE platform_ledger;
CREATE DATABASE platform_reporting;
