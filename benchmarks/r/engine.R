# The engine's tasks done with R's survival package, timed inside R (data already loaded).
# Usage: Rscript engine.R trial.csv tau landmarks ticks repeats budget
# Prints one CSV line per task: task,median,low,high,runs (seconds).
# The same work as benchmarks/engine_tasks.py; see lifelines_tasks.py for what each task is.
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
tau <- as.numeric(args[2])
landmarks <- as.numeric(strsplit(args[3], ",")[[1]])
ticks <- as.numeric(strsplit(args[4], ",")[[1]])
repeats <- as.integer(args[5])
budget <- as.numeric(args[6])
d$arm <- factor(d$arm, levels = c("observation", "sorafenib"))

measure <- function(work) {
  first <- system.time(work())[["elapsed"]]
  seconds <- if (first > 1) first else numeric(0)
  spent <- first
  while (length(seconds) < repeats && (length(seconds) < 3 || spent < budget)) {
    s <- system.time(work(), gcFirst = TRUE)[["elapsed"]]
    seconds <- c(seconds, s)
    spent <- spent + s
  }
  c(median(seconds), min(seconds), max(seconds), length(seconds))
}

curve_summary <- function(fit) {
  list(quantile(fit, c(0.25, 0.5, 0.75), conf.int = TRUE),
       summary(fit, times = landmarks, extend = TRUE),
       summary(fit, times = ticks, extend = TRUE)$n.risk,
       summary(fit, rmean = tau)$table)
}

tasks <- list(
  km_per_group = function() survfit(Surv(time_days, event) ~ arm, data = d,
                                    conf.type = "log-log"),
  logrank = function() survdiff(Surv(time_days, event) ~ arm, data = d),
  logrank_stratified = function() survdiff(Surv(time_days, event) ~ arm + strata(risk),
                                           data = d),
  cox_stratified = function() coxph(Surv(time_days, event) ~ arm + strata(risk), data = d,
                                    ties = "efron"),
  analysis = function() {
    by_arm <- survfit(Surv(time_days, event) ~ arm, data = d, conf.type = "log-log")
    pooled <- survfit(Surv(time_days, event) ~ 1, data = d, conf.type = "log-log")
    list(lapply(list(by_arm, pooled), curve_summary),
         survdiff(Surv(time_days, event) ~ arm, data = d),
         survdiff(Surv(time_days, event) ~ arm, data = d, rho = 1),
         survdiff(Surv(time_days, event) ~ arm + strata(risk), data = d),
         coxph(Surv(time_days, event) ~ arm, data = d, ties = "efron"),
         coxph(Surv(time_days, event) ~ arm + strata(risk), data = d, ties = "efron"),
         quantile(survfit(Surv(time_days, 1 - event) ~ 1, data = d, conf.type = "log-log"),
                  0.5, conf.int = TRUE))
  }
)

for (name in names(tasks)) {
  t <- measure(tasks[[name]])
  cat(sprintf("%s,%.6f,%.6f,%.6f,%d\n", name, t[1], t[2], t[3], as.integer(t[4])))
}
