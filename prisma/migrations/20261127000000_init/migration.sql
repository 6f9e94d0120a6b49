-- CreateEnum
CREATE TYPE "ScanStatus" AS ENUM ('running', 'succeeded', 'partial', 'failed', 'aborted');

-- CreateEnum
CREATE TYPE "ScanTrigger" AS ENUM ('manual', 'schedule', 'startup');

-- CreateEnum
CREATE TYPE "CollectorStatus" AS ENUM ('ok', 'unavailable', 'error');

-- CreateEnum
CREATE TYPE "Outcome" AS ENUM ('pass', 'fail', 'unknown', 'not_applicable', 'attested');

-- CreateTable
CREATE TABLE "tenant" (
    "id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "cloud" TEXT NOT NULL DEFAULT 'public',
    "schedule" TEXT NOT NULL DEFAULT '0 2 * * *',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scan" (
    "id" SERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "trigger" "ScanTrigger" NOT NULL,
    "status" "ScanStatus" NOT NULL DEFAULT 'running',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "rule_set_version" TEXT NOT NULL,
    "checks_total" INTEGER NOT NULL DEFAULT 0,
    "checks_passed" INTEGER NOT NULL DEFAULT 0,
    "checks_failed" INTEGER NOT NULL DEFAULT 0,
    "checks_unknown" INTEGER NOT NULL DEFAULT 0,
    "evidence_count" INTEGER NOT NULL DEFAULT 0,
    "evidence_new" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "scan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collector_run" (
    "id" SERIAL NOT NULL,
    "scan_id" INTEGER NOT NULL,
    "collector" TEXT NOT NULL,
    "status" "CollectorStatus" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "throttled" INTEGER NOT NULL DEFAULT 0,
    "throttled_ms" INTEGER NOT NULL DEFAULT 0,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error_message" TEXT,

    CONSTRAINT "collector_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evidence" (
    "hash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "scan_evidence" (
    "scan_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "status" "CollectorStatus" NOT NULL,
    "evidence_hash" TEXT,
    "reason" TEXT,
    "error_code" TEXT,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scan_evidence_pkey" PRIMARY KEY ("scan_id","key")
);

-- CreateTable
CREATE TABLE "check_result" (
    "id" SERIAL NOT NULL,
    "scan_id" INTEGER NOT NULL,
    "check_id" TEXT NOT NULL,
    "check_version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "capabilities" TEXT[],
    "severity" TEXT NOT NULL,
    "outcome" "Outcome" NOT NULL,
    "message" TEXT NOT NULL,
    "actual" JSONB NOT NULL,
    "evidence_refs" TEXT[],

    CONSTRAINT "check_result_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "capability_result" (
    "id" SERIAL NOT NULL,
    "scan_id" INTEGER NOT NULL,
    "capability_id" TEXT NOT NULL,
    "area" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "checks" JSONB NOT NULL,
    "attestation" JSONB,

    CONSTRAINT "capability_result_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "area_score" (
    "id" SERIAL NOT NULL,
    "scan_id" INTEGER NOT NULL,
    "area" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "max_level" INTEGER NOT NULL,
    "met" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "unknown" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,

    CONSTRAINT "area_score_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scan_tenant_id_started_at_idx" ON "scan"("tenant_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "collector_run_scan_id_collector_key" ON "collector_run"("scan_id", "collector");

-- CreateIndex
CREATE INDEX "scan_evidence_evidence_hash_idx" ON "scan_evidence"("evidence_hash");

-- CreateIndex
CREATE INDEX "check_result_check_id_idx" ON "check_result"("check_id");

-- CreateIndex
CREATE UNIQUE INDEX "check_result_scan_id_check_id_key" ON "check_result"("scan_id", "check_id");

-- CreateIndex
CREATE INDEX "capability_result_capability_id_idx" ON "capability_result"("capability_id");

-- CreateIndex
CREATE UNIQUE INDEX "capability_result_scan_id_capability_id_key" ON "capability_result"("scan_id", "capability_id");

-- CreateIndex
CREATE UNIQUE INDEX "area_score_scan_id_area_key" ON "area_score"("scan_id", "area");

-- AddForeignKey
ALTER TABLE "scan" ADD CONSTRAINT "scan_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "collector_run" ADD CONSTRAINT "collector_run_scan_id_fkey" FOREIGN KEY ("scan_id") REFERENCES "scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scan_evidence" ADD CONSTRAINT "scan_evidence_scan_id_fkey" FOREIGN KEY ("scan_id") REFERENCES "scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scan_evidence" ADD CONSTRAINT "scan_evidence_evidence_hash_fkey" FOREIGN KEY ("evidence_hash") REFERENCES "evidence"("hash") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_result" ADD CONSTRAINT "check_result_scan_id_fkey" FOREIGN KEY ("scan_id") REFERENCES "scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "capability_result" ADD CONSTRAINT "capability_result_scan_id_fkey" FOREIGN KEY ("scan_id") REFERENCES "scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "area_score" ADD CONSTRAINT "area_score_scan_id_fkey" FOREIGN KEY ("scan_id") REFERENCES "scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
