# Reference values for the analyses beyond the primary KM (issue 9): proportional-hazards
# test, competing risks, multivariable Cox with categories, subgroup effects.
# Run once from this folder:  Rscript make_reference.R
# Made with R 4.2.2, survival 3.5-3, cmprsk 2.2-11 (Debian r-cran-cmprsk). Tests never call R.
suppressPackageStartupMessages({library(survival); library(cmprsk)})
options(digits = 15)
out <- function(frame, name) write.csv(frame, name, row.names = FALSE)

# ---------------------------------------------------------------- data (public datasets)
lung2 <- na.omit(data.frame(time = lung$time, status = lung$status - 1, age = lung$age,
                            sex = ifelse(lung$sex == 1, "male", "female"),
                            ecog = ifelse(is.na(lung$ph.ecog), NA, paste0("ECOG ", lung$ph.ecog)),
                            wt = lung$wt.loss))
lung2 <- lung2[lung2$ecog != "ECOG 3", ]          # a single patient: no estimable HR
vet <- data.frame(time = veteran$time, status = veteran$status, trt = veteran$trt,
                  celltype = as.character(veteran$celltype), karno = veteran$karno,
                  prior = ifelse(veteran$prior == 10, "yes", "no"))
pbc3 <- na.omit(data.frame(time = pbc$time, status = pbc$status,
                           edema = as.character(pbc$edema), sex = as.character(pbc$sex),
                           stage = pbc$stage, trt = pbc$trt))
out(lung2, "lung2__data.csv"); out(vet, "veteran2__data.csv"); out(pbc3, "pbc3__data.csv")

# ---------------------------------------------------------------- multivariable Cox
cox_rows <- function(case, fit) {
  s <- summary(fit)
  data.frame(case = case, term = rownames(s$coefficients), coef = unname(coef(fit)),
             hr = unname(exp(coef(fit))), se = s$coefficients[, "se(coef)"],
             ci_lower = s$conf.int[, "lower .95"], ci_upper = s$conf.int[, "upper .95"],
             p_value = s$coefficients[, "Pr(>|z|)"], n = fit$n, events = fit$nevent,
             loglik = fit$loglik[2])
}
fits <- list(
  lung_text = coxph(Surv(time, status) ~ age + sex + ecog + wt, data = lung2),
  lung_text_breslow = coxph(Surv(time, status) ~ age + sex + ecog, data = lung2,
                            ties = "breslow"),
  veteran_group = coxph(Surv(time, status) ~ factor(trt) + celltype + karno, data = vet),
  veteran_strata = coxph(Surv(time, status) ~ factor(trt) + karno + strata(prior), data = vet))
out(do.call(rbind, Map(cox_rows, names(fits), fits)), "cox_multi.csv")

# ---------------------------------------------------------------- cox.zph, terms = FALSE
zph_rows <- function(case, fit) {
  z <- cox.zph(fit, transform = "km", terms = FALSE)$table
  data.frame(case = case, term = rownames(z), chisq = z[, "chisq"], df = z[, "df"],
             p_value = z[, "p"])
}
out(do.call(rbind, Map(zph_rows, names(fits), fits)), "zph.csv")

# ---------------------------------------------------------------- competing risks
curve_rows <- function(case, fit) {
  fit <- fit[names(fit) != "Tests"]
  do.call(rbind, lapply(names(fit), function(g)
    data.frame(case = case, group_cause = g, time = fit[[g]]$time, cif = fit[[g]]$est,
               var = fit[[g]]$var)))
}
test_rows <- function(case, fit) data.frame(case = case, cause = rownames(fit$Tests),
                                            stat = fit$Tests[, "stat"],
                                            p_value = fit$Tests[, "pv"], df = fit$Tests[, "df"])
pbc_cr <- read.csv("../data/r-survival/pbc_cr__data.csv")
cif <- list(
  pbc_trt = cuminc(pbc_cr$time, pbc_cr$status, pbc_cr$trt, cencode = 0),
  pbc3_edema = cuminc(pbc3$time, pbc3$status, pbc3$edema, cencode = 0),
  pbc3_edema_strata = cuminc(pbc3$time, pbc3$status, pbc3$edema, pbc3$sex, cencode = 0),
  pbc3_stage_rho1 = cuminc(pbc3$time, pbc3$status, pbc3$stage, rho = 1, cencode = 0))
out(do.call(rbind, Map(curve_rows, names(cif), cif)), "cif_curves.csv")
out(do.call(rbind, Map(test_rows, names(cif), cif)), "gray.csv")

# ---------------------------------------------------------------- subgroups
# HR of the group within each level of a column (Cox, group only), and the interaction p:
# likelihood-ratio test of group x column, 2 (loglik(group * column) - loglik(group + column)).
subgroup_rows <- function(case, data, group, column, ties = "efron") {
  data$g <- factor(data[[group]]); data$c <- factor(data[[column]])
  main <- coxph(Surv(time, status) ~ g + c, data = data, ties = ties)
  full <- coxph(Surv(time, status) ~ g * c, data = data, ties = ties)
  lr <- 2 * (full$loglik[2] - main$loglik[2])
  df <- sum(!is.na(coef(full))) - sum(!is.na(coef(main)))
  wald_coef <- intersect(grep(":", names(coef(full))), which(!is.na(coef(full))))
  b <- coef(full)[wald_coef]; v <- vcov(full)[wald_coef, wald_coef]
  wald <- drop(t(b) %*% solve(v, b))
  rows <- lapply(levels(data$c), function(level) {
    part <- data[data$c == level, ]
    fit <- coxph(Surv(time, status) ~ g, data = part, ties = ties)
    s <- summary(fit)$conf.int
    data.frame(case = case, column = column, level = level, group = rownames(s),
               n = fit$n, events = fit$nevent, hr = s[, "exp(coef)"],
               ci_lower = s[, "lower .95"], ci_upper = s[, "upper .95"],
               lr_chisq = lr, lr_df = df, p_interaction = pchisq(lr, df, lower.tail = FALSE),
               wald_chisq = wald, wald_p = pchisq(wald, length(b), lower.tail = FALSE))
  })
  do.call(rbind, rows)
}
out(rbind(subgroup_rows("veteran", vet, "trt", "celltype"),
          subgroup_rows("veteran", vet, "trt", "prior"),
          subgroup_rows("lung", lung2, "sex", "ecog"),
          subgroup_rows("lung_breslow", lung2, "sex", "ecog", ties = "breslow")),
    "subgroups.csv")

# ---------------------------------------------------------------- exact ties, large tie sets
# exact_ties__data.csv: made once in Python (seeded); one time shared by 50, 300 and 400
# deaths, a 0/1 and a continuous covariate. The exact partial likelihood must stay accurate
# where a naive recursion over- or underflows.
ties_data <- read.csv("exact_ties__data.csv")
exact_rows <- lapply(split(ties_data, ties_data$case), function(d) {
  fit <- coxph(Surv(t, e) ~ x, data = d, ties = "exact")
  data.frame(case = d$case[1], coef = coef(fit), se = sqrt(diag(vcov(fit))),
             loglik0 = fit$loglik[1], loglik = fit$loglik[2])
})
out(do.call(rbind, exact_rows), "exact_ties.csv")

# ---------------------------------------------------------------- near-tied times (timefix)
# near_ties__data.csv: made once by make_near_ties.py (seeded): times typed as 0.3 beside
# times computed as 3 * 0.1, and times one part in 10^9 apart. R merges them (timefix = TRUE,
# aeqSurv); the rows with timefix = FALSE show that the merge changes every answer.
near <- read.csv("near_ties__data.csv")
stopifnot(all(near$months == as.numeric(near$months_hex)))  # R read the same doubles
km_near <- function(fit, group) {
  s <- summary(fit, censored = TRUE)
  data.frame(group = group, time = s$time, n_risk = s$n.risk, n_event = s$n.event,
             n_censor = s$n.censor, survival = s$surv, std_err = s$std.err,
             ci_lower = s$lower, ci_upper = s$upper)
}
near_km <- do.call(rbind, c(
  lapply(sort(unique(near$arm)), function(a)
    km_near(survfit(Surv(months, relapse) ~ 1, data = near[near$arm == a, ],
                    conf.type = "log-log"), a)),
  list(km_near(survfit(Surv(months, relapse) ~ 1, data = near, conf.type = "log-log"),
               "All patients"))))
out(near_km, "near_ties_km.csv")
# survdiff(timefix = FALSE) fails in survival 3.5-3 (model.frame takes it for a variable), so
# the rows without timefix are the Cox fits only.
near_cox <- function(timefix, case, formula, ties) {
  fit <- coxph(formula, data = near, ties = ties, control = coxph.control(timefix = timefix))
  s <- summary(fit)
  v <- c(hr = s$conf.int[1, "exp(coef)"], ci_lower = s$conf.int[1, "lower .95"],
         ci_upper = s$conf.int[1, "upper .95"], p_value = s$coefficients[1, "Pr(>|z|)"])
  data.frame(timefix = timefix, quantity = paste(case, names(v), sep = "."), value = unname(v))
}
near_fits <- function(timefix) rbind(
  near_cox(timefix, "cox_efron", Surv(months, relapse) ~ arm, "efron"),
  near_cox(timefix, "cox_breslow", Surv(months, relapse) ~ arm, "breslow"),
  near_cox(timefix, "cox_stratified", Surv(months, relapse) ~ arm + strata(site), "efron"))
near_tests <- data.frame(
  timefix = TRUE, quantity = c("logrank", "logrank_stratified"),
  value = c(survdiff(Surv(months, relapse) ~ arm, data = near)$chisq,
            survdiff(Surv(months, relapse) ~ arm + strata(site), data = near)$chisq))
out(rbind(near_tests, near_fits(TRUE), near_fits(FALSE)), "near_ties.csv")
