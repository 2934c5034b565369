CREATE TABLE "code_failures" (
	"subject" text NOT NULL,
	"purpose" text NOT NULL,
	"failures" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "code_failures_subject_purpose_pk" PRIMARY KEY("subject","purpose")
);
--> statement-breakpoint
CREATE TABLE "login_failures" (
	"subject" text NOT NULL,
	"network" text NOT NULL,
	"failures" integer NOT NULL,
	"locked_until" timestamp with time zone,
	"last_failure_at" timestamp with time zone NOT NULL,
	CONSTRAINT "login_failures_subject_network_pk" PRIMARY KEY("subject","network")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "pending_username" text;--> statement-breakpoint
CREATE INDEX "code_failures_window_started_at_idx" ON "code_failures" USING btree ("window_started_at");--> statement-breakpoint
CREATE INDEX "login_failures_last_failure_at_idx" ON "login_failures" USING btree ("last_failure_at");--> statement-breakpoint
ALTER TABLE "one_time_codes" DROP COLUMN "password_hash";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "failed_login_count";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "locked_until";