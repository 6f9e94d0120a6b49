-- CreateEnum
CREATE TYPE "AttestationOutcome" AS ENUM ('met', 'not_met');

-- CreateTable
CREATE TABLE "attestation" (
    "id" SERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "capability_id" TEXT NOT NULL,
    "outcome" "AttestationOutcome" NOT NULL,
    "statement" TEXT NOT NULL,
    "evidence_url" TEXT,
    "attested_by" TEXT NOT NULL,
    "attested_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "attestation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attestation_tenant_id_capability_id_created_at_idx" ON "attestation"("tenant_id", "capability_id", "created_at");

-- AddForeignKey
ALTER TABLE "attestation" ADD CONSTRAINT "attestation_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
