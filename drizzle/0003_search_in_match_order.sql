DROP INDEX "users_email_prefix_idx";--> statement-breakpoint
DROP INDEX "users_username_prefix_idx";--> statement-breakpoint
DROP INDEX "users_full_name_prefix_idx";--> statement-breakpoint
CREATE INDEX "users_email_search_idx" ON "users" USING btree ("email" COLLATE "C","id");--> statement-breakpoint
CREATE INDEX "users_username_search_idx" ON "users" USING btree (lower("username") COLLATE "C","id");--> statement-breakpoint
CREATE INDEX "users_full_name_search_idx" ON "users" USING btree (lower("full_name") COLLATE "C","id");