ALTER TABLE "series_chunks" ADD COLUMN "updated_at" bigint NOT NULL DEFAULT 0;--> statement-breakpoint
UPDATE "series_chunks" SET "updated_at" = "created_at";
