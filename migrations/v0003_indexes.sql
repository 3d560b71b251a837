-- Version 3: an index the reconcile pass needs. Load balancer memberships are looked up by
-- instance (which LBs is this instance in?); the primary key (lb, instance_id) cannot serve
-- that, so every pass scanned the whole table once per instance.
CREATE INDEX lb_members_by_instance ON lb_members(instance_id);
