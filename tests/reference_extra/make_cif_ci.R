# Cumulative incidence with pointwise confidence limits at milestone times (issue 20.4).
# Run once from this folder:  Rscript make_cif_ci.R
# Made with R 4.2.2, cmprsk 2.2-11 (Debian r-cran-cmprsk). Tests never call R.
# cmprsk prints and plots no interval; the limits are Pintilie's log(-log) interval, as
# tidycmprsk's cuminc reports it: est ^ exp(-/+ z * sqrt(var) / (est * log(est))).
suppressPackageStartupMessages(library(cmprsk))
options(digits = 15)
out <- function(frame, name) write.csv(frame, name, row.names = FALSE)

ci_rows <- function(case, fit, times, level = 0.95) {
  tp <- timepoints(fit[names(fit) != "Tests"], times)
  z <- qnorm(1 - (1 - level) / 2)
  do.call(rbind, lapply(rownames(tp$est), function(g) {
    est <- tp$est[g, ]; v <- tp$var[g, ]
    spread <- z * sqrt(v) / (est * log(est))
    data.frame(case = case, group_cause = g, time = times, cif = est, var = v,
               ci_lower = est ^ exp(-spread), ci_upper = est ^ exp(spread), level = level)
  }))
}
pbc_cr <- read.csv("../data/r-survival/pbc_cr__data.csv")  # trt 1/2: two arms
pbc3 <- read.csv("pbc3__data.csv")                           # edema 0/0.5/1: three groups
rows <- rbind(
  ci_rows("pbc_trt", cuminc(pbc_cr$time, pbc_cr$status, pbc_cr$trt, cencode = 0),
          c(1000, 2000, 3000, 4000)),
  ci_rows("pbc3_edema", cuminc(pbc3$time, pbc3$status, pbc3$edema, cencode = 0),
          c(365, 1000, 2000, 3000)),
  ci_rows("pbc3_edema_90", cuminc(pbc3$time, pbc3$status, pbc3$edema, cencode = 0),
          c(365, 1000, 2000, 3000), level = 0.9))
out(rows, "cif_ci.csv")
