#!/usr/bin/env Rscript
## R/exams's side of the side-by-side comparison in docs/performance.md (issue 25): n exam PDFs and
## their n solution PDFs of 13 exercises shipped with R/exams, split over <workers> R processes, timed.
## Needs R and the CRAN package exams (install.packages("exams")); run right before
## `python bench/bench_build.py --sizes <n>` on the same machine, and compare seconds per pair.
## Usage: Rscript bench/rexams_side_by_side.R <n_copies> <workers> [outdir]
## Each worker makes one exams2pdf() call for its copies with template = c("exam", "solution"):
## one Sweave pass per copy, two pdflatex documents per copy.
args <- commandArgs(trailingOnly = TRUE)
n <- if(length(args) >= 1) as.integer(args[1]) else 4L
workers <- if(length(args) >= 2) as.integer(args[2]) else 2L
outdir <- if(length(args) >= 3) args[3] else file.path(tempdir(), "rexams-bench")
stopifnot(n >= 1L, workers >= 1L)

suppressPackageStartupMessages(library("exams"))
## LaTeX driver: "tinytex" (package default when tinytex is installed; tinytex::latexmk)
## or "tools" (tools::texi2dvi). Override with env REXAMS_TEX.
options(exams_tex = Sys.getenv("REXAMS_TEX", "tinytex"))

## 13 shipped math/stats Rnw exercises (pdflatex + base R only)
exercises <- c("deriv.Rnw", "deriv2.Rnw", "tstat.Rnw", "tstat2.Rnw", "dist.Rnw",
  "dist2.Rnw", "lm.Rnw", "regression.Rnw", "confint2.Rnw", "ttest.Rnw",
  "boxhist.Rnw", "cholesky.Rnw", "hessian.Rnw")

unlink(outdir, recursive = TRUE)
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
workers <- min(workers, n)
chunks <- split(seq_len(n), rep_len(seq_len(workers), n))
chunks <- chunks[lengths(chunks) > 0L]

run_chunk <- function(k) {
  ids <- chunks[[k]]
  d <- file.path(outdir, sprintf("w%02d", k))
  dir.create(d, showWarnings = FALSE)
  set.seed(1000L + k)  ## distinct seed per worker
  exams2pdf(exercises, n = length(ids), template = c("exam", "solution"),
    dir = d, name = c("exam", "solution"), quiet = TRUE)
  length(list.files(d, pattern = "\\.pdf$"))
}

t0 <- Sys.time()
res <- if(workers > 1L) {
  parallel::mclapply(seq_along(chunks), run_chunk, mc.cores = workers,
    mc.preschedule = FALSE)
} else lapply(seq_along(chunks), run_chunk)
wall <- as.numeric(difftime(Sys.time(), t0, units = "secs"))

err <- vapply(res, inherits, logical(1), what = "try-error")
if(any(err)) { print(res[err]); stop("some workers failed") }
npdf <- sum(unlist(res))
exams_pdf <- length(list.files(outdir, pattern = "^exam.*\\.pdf$", recursive = TRUE))
sol_pdf <- length(list.files(outdir, pattern = "^solution.*\\.pdf$", recursive = TRUE))
cat(sprintf("R/exams %s | exercises: %d | copies n = %d | workers = %d | exams_tex = %s\n",
  format(packageVersion("exams")), length(exercises), n, workers, getOption("exams_tex")))
cat(sprintf("PDFs: %d exam + %d solution (expected %d each) in %s\n", exams_pdf, sol_pdf, n, outdir))
cat(sprintf("total wall seconds: %.2f\n", wall))
cat(sprintf("seconds per exam+solution pair: %.3f\n", wall / n))
if(exams_pdf != n || sol_pdf != n) quit(status = 1)
