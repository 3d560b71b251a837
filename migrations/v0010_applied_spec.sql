-- The spec a cluster last converged to, so that `bosun plan` can show each change as
-- before → after. Written when a pass finds the cluster converged; a cluster converged at its
-- current generation applied its current spec.
ALTER TABLE clusters ADD COLUMN applied_spec_json TEXT CHECK (applied_spec_json IS NULL OR json_valid(applied_spec_json));
UPDATE clusters SET applied_spec_json = spec_json WHERE observed_generation = generation;
