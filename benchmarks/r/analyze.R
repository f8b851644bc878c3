# What `resort-gui analyze` does, as an R user would write it with survival, run as a process.
# Usage: Rscript analyze.R trial.csv out_dir landmarks ticks
# Reads the CSV (base R), checks the rows, fits and tests, and writes the CSVs of the analyze
# contract that survival can fill (see benchmarks/README in the main README's Performance).
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
out <- args[2]
landmarks <- as.numeric(strsplit(args[3], ",")[[1]])
ticks <- as.numeric(strsplit(args[4], ",")[[1]])
dir.create(out, showWarnings = FALSE, recursive = TRUE)

d <- read.csv(args[1], stringsAsFactors = FALSE)
d$row <- seq_len(nrow(d)) + 1
ok <- !is.na(d$time_days) & d$time_days >= 0 & d$event %in% c(0, 1) & !is.na(d$arm) &
  d$arm != ""
write.csv(data.frame(row = d$row[!ok], patient = d$patient_id[!ok],
                     reason = rep("unusable row", sum(!ok))),
          file.path(out, "excluded_rows.csv"), row.names = FALSE)
d <- d[ok, ]
d$arm <- factor(d$arm, levels = c("observation", "sorafenib"))
d$risk <- factor(d$risk)
write.csv(data.frame(row = d$row, patient = d$patient_id, time = d$time_days, event = d$event,
                     reason = ifelse(d$event == 1, "event", "censored")),
          file.path(out, "derived.csv"), row.names = FALSE)

tau <- min(tapply(d$time_days, d$arm, max))
fits <- list(survfit(Surv(time_days, event) ~ arm, data = d, conf.type = "log-log"),
             survfit(Surv(time_days, event) ~ 1, data = d, conf.type = "log-log"))

curve_rows <- function(fit) {
  s <- summary(fit, censored = TRUE)
  group <- if (is.null(s$strata)) rep("All patients", length(s$time)) else
    sub("arm=", "", as.character(s$strata))
  data.frame(group = group, time = s$time, n_risk = s$n.risk, n_event = s$n.event,
             n_censor = s$n.censor, survival = s$surv, std_err = s$std.err,
             ci_lower = s$lower, ci_upper = s$upper)
}
write.csv(do.call(rbind, lapply(fits, curve_rows)), file.path(out, "km_table.csv"),
          row.names = FALSE)

quantile_rows <- function(fit) {
  q <- quantile(fit, c(0.25, 0.5, 0.75), conf.int = TRUE)
  as_rows <- function(m) if (is.null(dim(m))) t(m) else m
  est <- as_rows(q$quantile); lo <- as_rows(q$lower); hi <- as_rows(q$upper)
  groups <- if (is.null(rownames(est))) "All patients" else sub("arm=", "", rownames(est))
  data.frame(group = rep(groups, each = 3), prob = rep(c(0.25, 0.5, 0.75), length(groups)),
             time = as.vector(t(est)), ci_lower = as.vector(t(lo)),
             ci_upper = as.vector(t(hi)))
}
write.csv(do.call(rbind, lapply(fits, quantile_rows)), file.path(out, "quantiles.csv"),
          row.names = FALSE)

at_rows <- function(fit, times) {
  s <- summary(fit, times = times, extend = TRUE)
  group <- if (is.null(s$strata)) rep("All patients", length(s$time)) else
    sub("arm=", "", as.character(s$strata))
  data.frame(group = group, time = s$time, n_risk = s$n.risk, survival = s$surv,
             std_err = s$std.err, ci_lower = s$lower, ci_upper = s$upper,
             n_event = s$n.event, n_censor = s$n.censor)
}
landmark <- do.call(rbind, lapply(fits, at_rows, times = landmarks))
write.csv(landmark[, 1:7], file.path(out, "landmarks.csv"), row.names = FALSE)
risk <- do.call(rbind, lapply(fits, at_rows, times = ticks))
write.csv(risk[, c("group", "time", "n_risk", "n_event", "n_censor")],
          file.path(out, "at_risk.csv"), row.names = FALSE)

summary_rows <- function(fit) {
  tab <- summary(fit, rmean = tau)$table
  if (is.null(dim(tab))) tab <- t(tab)
  groups <- if (nrow(tab) == 1) "All patients" else sub("arm=", "", rownames(tab))
  data.frame(group = groups, n = tab[, "n.max"], events = tab[, "events"],
             censored = tab[, "n.max"] - tab[, "events"], median = tab[, "median"],
             median_ci_lower = tab[, "0.95LCL"], median_ci_upper = tab[, "0.95UCL"],
             rmst = tab[, "rmean"], rmst_se = tab[, "se(rmean)"], tau = tau)
}
rmst <- do.call(rbind, lapply(fits, summary_rows))
write.csv(rmst, file.path(out, "summary.csv"), row.names = FALSE)

tests <- list(logrank = survdiff(Surv(time_days, event) ~ arm, data = d),
              fleming_harrington_1_0 = survdiff(Surv(time_days, event) ~ arm, data = d,
                                                rho = 1),
              logrank_stratified = survdiff(Surv(time_days, event) ~ arm + strata(risk),
                                            data = d),
              fleming_harrington_1_0_stratified =
                survdiff(Surv(time_days, event) ~ arm + strata(risk), data = d, rho = 1))
write.csv(data.frame(test = names(tests), chisq = sapply(tests, `[[`, "chisq"), df = 1,
                     p_value = sapply(tests, function(t) pchisq(t$chisq, 1,
                                                                lower.tail = FALSE))),
          file.path(out, "tests.csv"), row.names = FALSE)

models <- list(cox = coxph(Surv(time_days, event) ~ arm, data = d, ties = "efron"),
               cox_stratified = coxph(Surv(time_days, event) ~ arm + strata(risk), data = d,
                                      ties = "efron"),
               cox_breslow = coxph(Surv(time_days, event) ~ arm, data = d, ties = "breslow"))
hr <- do.call(rbind, lapply(names(models), function(name) {
  s <- summary(models[[name]])
  data.frame(group = "sorafenib", reference = "observation", hr = s$conf.int[1, 1],
             ci_lower = s$conf.int[1, 3], ci_upper = s$conf.int[1, 4],
             p_value = s$coefficients[1, 5], model = name)
}))
write.csv(hr, file.path(out, "hazard_ratios.csv"), row.names = FALSE)
zph <- cox.zph(models$cox)
write.csv(data.frame(term = rownames(zph$table), chisq = zph$table[, 1], df = zph$table[, 2],
                     p_value = zph$table[, 3]), file.path(out, "ph_test.csv"),
          row.names = FALSE)

follow <- quantile(survfit(Surv(time_days, 1 - event) ~ 1, data = d, conf.type = "log-log"),
                   0.5, conf.int = TRUE)
write.csv(data.frame(median_followup = follow$quantile, ci_lower = follow$lower,
                     ci_upper = follow$upper), file.path(out, "followup.csv"),
          row.names = FALSE)

by_arm <- landmark[landmark$group != "All patients", ]
ref <- by_arm[by_arm$group == "observation", ]
trt <- by_arm[by_arm$group == "sorafenib", ]
diff <- trt$survival - ref$survival
se <- sqrt(trt$std_err^2 + ref$std_err^2)
write.csv(data.frame(time = landmarks, group = "sorafenib", reference = "observation",
                     difference = diff, ci_lower = diff - qnorm(0.975) * se,
                     ci_upper = diff + qnorm(0.975) * se,
                     p_value = 2 * pnorm(-abs(diff / se))),
          file.path(out, "milestones.csv"), row.names = FALSE)
rd <- rmst$rmst[2] - rmst$rmst[1]
rse <- sqrt(rmst$rmst_se[1]^2 + rmst$rmst_se[2]^2)
write.csv(data.frame(tau = tau, group = "sorafenib", reference = "observation",
                     difference = rd, ci_lower = rd - qnorm(0.975) * rse,
                     ci_upper = rd + qnorm(0.975) * rse, p_value = 2 * pnorm(-abs(rd / rse))),
          file.path(out, "rmst_difference.csv"), row.names = FALSE)
