-- The manager's reason for a `stock.adjust` (the `reason` column keeps what moved the stock).
ALTER TABLE stock_ledger ADD COLUMN note TEXT;
