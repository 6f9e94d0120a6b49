-- CreateTable
CREATE TABLE "throttle_pause" (
    "key" TEXT NOT NULL,
    "paused_until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "throttle_pause_pkey" PRIMARY KEY ("key")
);
