# Remakes every csv of this folder (R's reference values for the statistics engine) from the
# public datasets that ship with `survival` (lung, veteran, aml, ovarian, pbc).
# Run from the repository root:   Rscript tests/data/r-survival/make_reference.R [OUTDIR]
# OUTDIR defaults to this script's folder. Made with R 4.2.2, survival 3.5-3, cmprsk 2.2-11
# (Debian r-cran-cmprsk). Tests never call R; they read the files this writes.
suppressPackageStartupMessages({library(survival); library(cmprsk)})
options(digits = 15)

here <- local({
  file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(file) == 1) dirname(normalizePath(file)) else getwd()
})
outdir <- commandArgs(trailingOnly = TRUE)[1]
if (is.na(outdir)) outdir <- here
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
# Every file this script writes, and nothing else (tests/test_reference_files.py reads
# this list; the script stops if what it wrote differs from it).
FILES <- c(
  "aml__cox.csv", "aml__data.csv", "aml__followup.csv", "aml__hr_methods.csv",
  "aml__km.csv", "aml__landmarks.csv", "aml__meta.csv", "aml__milestones.csv",
  "aml__observed_expected.csv", "aml__quantiles.csv", "aml__rmst.csv", "aml__tests.csv",
  "aml__weighted_tests.csv", "lung__cox.csv", "lung__data.csv", "lung__followup.csv",
  "lung__hr_methods.csv", "lung__km.csv", "lung__landmarks.csv", "lung__meta.csv",
  "lung__milestones.csv", "lung__observed_expected.csv", "lung__quantiles.csv",
  "lung__rmst.csv", "lung__tests.csv", "lung__weighted_tests.csv", "lung_multi__cox.csv",
  "lung_multi__data.csv", "lung_multi__zph.csv", "ovarian__cox.csv", "ovarian__data.csv",
  "ovarian__followup.csv", "ovarian__hr_methods.csv", "ovarian__km.csv",
  "ovarian__landmarks.csv", "ovarian__meta.csv", "ovarian__milestones.csv",
  "ovarian__observed_expected.csv", "ovarian__quantiles.csv", "ovarian__rmst.csv",
  "ovarian__tests.csv", "ovarian__weighted_tests.csv", "pbc_cr__cif.csv",
  "pbc_cr__data.csv", "pbc_cr__gray.csv", "veteran__cox.csv", "veteran__data.csv",
  "veteran__followup.csv", "veteran__hr_methods.csv", "veteran__km.csv",
  "veteran__landmarks.csv", "veteran__meta.csv", "veteran__milestones.csv",
  "veteran__observed_expected.csv", "veteran__pairwise.csv", "veteran__quantiles.csv",
  "veteran__rmst.csv", "veteran__tests.csv", "veteran__trend.csv",
  "veteran__weighted_tests.csv")
# Numbers as write.csv gives them (15 significant digits); NA as NA, except in the input
# rows (__data.csv), where a missing value is an empty cell as a spreadsheet writes it.
written <- character(0)
out <- function(frame, name, na = "NA") {
  write.csv(frame, file.path(outdir, name), row.names = FALSE, na = na)
  written <<- c(written, name)
}
bar <- function(x) paste(x, collapse = "|")
z975 <- qnorm(0.975)
upper_p <- function(chisq, df) pchisq(chisq, df, lower.tail = FALSE)

# ---------------------------------------------------------------- the four datasets
# Each: the input rows, time and event columns, the value that means "event", the group
# column (its factor levels in R's order, first = Cox reference), strata column, landmarks
# (the last one is also the RMST tau). No row has a missing time, event or group, so all are kept.
datasets <- list(
  aml = list(data = data.frame(time = aml$time, status = aml$status,
                               x = as.character(aml$x)),
             time = "time", event = "status", code = 1, group = "x", strata = "",
             groups = levels(aml$x), landmarks = c(12, 24, 36)),
  lung = list(data = transform(lung, sex = c("Male", "Female")[lung$sex]),
              time = "time", event = "status", code = 2, group = "sex", strata = "ph.ecog",
              groups = c("Male", "Female"), landmarks = c(180, 365, 730)),
  ovarian = list(data = transform(ovarian[, c("futime", "fustat", "age", "resid.ds", "rx",
                                              "ecog.ps")],
                                  rx = c("A", "B")[ovarian$rx]),
                 time = "futime", event = "fustat", code = 1, group = "rx",
                 strata = "resid.ds", groups = c("A", "B"), landmarks = c(365, 730)),
  veteran = list(data = transform(veteran, trt = c("standard", "test")[veteran$trt],
                                  celltype = as.character(veteran$celltype)),
                 time = "time", event = "status", code = 1, group = "celltype",
                 strata = "trt", groups = levels(veteran$celltype),
                 landmarks = c(30, 90, 180)))

# ---------------------------------------------------------------- weighted log-rank family
# SAS PROC LIFETEST definitions with the hypergeometric variance, one stratum at a time:
# at each distinct event time, weight w, U += w (d_g - d n_g / n),
# V += w^2 d (n - d) / (n - 1) (diag(n_g / n) - (n_g / n)(n_g / n)').
# The committed __weighted_tests.csv and __trend.csv came from code not kept in the repository
# that rounded in another order: this one agrees with them to 3e-14 relative (the last of the
# 15 digits written), not digit for digit; every other file comes out byte for byte.
WEIGHTS <- list(logrank = c(NA, NA), gehan_breslow = c(NA, NA), tarone_ware = c(NA, NA),
                peto_peto = c(NA, NA), modified_peto = c(NA, NA),
                fleming_harrington_1_0 = c(1, 0), fleming_harrington_0_1 = c(0, 1),
                fleming_harrington_1_1 = c(1, 1))
score_parts <- function(time, event, group, k, test) {
  U <- numeric(k); V <- matrix(0, k, k)
  km <- 1; peto <- 1
  for (t in sort(unique(time[event == 1]))) {
    at_risk <- time >= t; dies <- event == 1 & time == t
    n <- sum(at_risk); d <- sum(dies)
    n_g <- tabulate(group[at_risk], k); d_g <- tabulate(group[dies], k)
    peto <- peto * (1 - d / (n + 1))
    pq <- WEIGHTS[[test]]
    w <- switch(test, logrank = 1, gehan_breslow = n, tarone_ware = sqrt(n),
                peto_peto = peto, modified_peto = peto * n / (n + 1),
                km^pq[1] * (1 - km)^pq[2])
    km <- km * (1 - d / n)
    U <- U + w * (d_g - d * n_g / n)
    if (n > 1) V <- V + w^2 * d * (n - d) / (n - 1) * (diag(n_g / n, k) - outer(n_g, n_g) / n^2)
  }
  list(U = U, V = V)
}
score_sums <- function(time, event, group, strata, k, test) {
  if (is.null(strata)) strata <- rep(1, length(time))
  keep <- !is.na(strata)
  parts <- lapply(split(seq_along(time)[keep], strata[keep]), function(i)
    score_parts(time[i], event[i], group[i], k, test))
  list(U = Reduce(`+`, lapply(parts, `[[`, "U")), V = Reduce(`+`, lapply(parts, `[[`, "V")))
}

# ---------------------------------------------------------------- one dataset, every file
make_dataset <- function(name, spec) {
  d <- spec$data
  t <- d[[spec$time]]; e <- as.integer(d[[spec$event]] == spec$code)
  g <- factor(d[[spec$group]], levels = spec$groups)
  s <- if (nzchar(spec$strata)) d[[spec$strata]] else NULL
  k <- nlevels(g); lev <- spec$groups; tau <- max(spec$landmarks)
  file <- function(what) paste0(name, "__", what, ".csv")
  label <- function(strata) sub("^g=", "", strata)

  out(d, file("data"), na = "")
  out(data.frame(dataset = name, time = spec$time, event = spec$event,
                 event_code = spec$code, group = spec$group, strata = spec$strata,
                 groups = bar(lev), landmarks = bar(spec$landmarks), n = nrow(d)),
      file("meta"))

  # Kaplan-Meier, quantiles, landmarks per conf.type, per group and pooled
  km <- list(); qs <- list(); lm <- list()
  for (ct in c("log", "log-log", "plain")) {
    fit <- survfit(Surv(t, e) ~ g, conf.type = ct)
    all <- survfit(Surv(t, e) ~ 1, conf.type = ct)
    km_rows <- function(x, group) data.frame(
      conf_type = ct, group = group, time = x$time, n_risk = x$n.risk, n_event = x$n.event,
      n_censor = x$n.censor, survival = x$surv, std_err = x$std.err, ci_lower = x$lower,
      ci_upper = x$upper)
    sg <- summary(fit, censored = TRUE); sa <- summary(all, censored = TRUE)
    km[[ct]] <- rbind(km_rows(sg, label(as.character(sg$strata))), km_rows(sa, "(all)"))
    q <- quantile(fit, c(0.25, 0.5, 0.75), conf.int = TRUE)
    qa <- quantile(all, c(0.25, 0.5, 0.75), conf.int = TRUE)
    qs[[ct]] <- rbind(
      do.call(rbind, lapply(seq_len(k), function(i) data.frame(
        conf_type = ct, group = lev[i], prob = c(0.25, 0.5, 0.75),
        time = unname(q$quantile[i, ]), ci_lower = unname(q$lower[i, ]),
        ci_upper = unname(q$upper[i, ])))),
      data.frame(conf_type = ct, group = "(all)", prob = c(0.25, 0.5, 0.75),
                 time = unname(qa$quantile), ci_lower = unname(qa$lower),
                 ci_upper = unname(qa$upper)))
    lm_rows <- function(x, group) data.frame(
      conf_type = ct, group = group, time = x$time, n_risk = x$n.risk, survival = x$surv,
      std_err = x$std.err, ci_lower = x$lower, ci_upper = x$upper)
    lg <- summary(fit, times = spec$landmarks, extend = TRUE)
    la <- summary(all, times = spec$landmarks, extend = TRUE)
    lm[[ct]] <- rbind(lm_rows(lg, label(as.character(lg$strata))), lm_rows(la, "(all)"))
  }
  out(do.call(rbind, km), file("km"))
  out(do.call(rbind, qs), file("quantiles"))
  out(do.call(rbind, lm), file("landmarks"))

  # restricted mean to tau
  tab <- summary(survfit(Surv(t, e) ~ g), rmean = tau)$table
  rmst <- data.frame(group = lev, tau = tau, rmst = unname(tab[, "rmean"]),
                     se = unname(tab[, "se(rmean)"]), n = unname(tab[, "records"]),
                     events = unname(tab[, "events"]))
  out(rmst, file("rmst"))

  # median follow-up, reverse Kaplan-Meier
  fu <- quantile(survfit(Surv(t, 1 - e) ~ 1), 0.5, conf.int = TRUE)
  out(data.frame(median_followup = unname(fu$quantile), ci_lower = unname(fu$lower),
                 ci_upper = unname(fu$upper)), file("followup"))

  # survdiff
  sd0 <- survdiff(Surv(t, e) ~ g, rho = 0); sd1 <- survdiff(Surv(t, e) ~ g, rho = 1)
  sd_row <- function(test, strata, x) data.frame(test = test, strata = strata, chisq = x$chisq,
                                                 df = k - 1, p = upper_p(x$chisq, k - 1))
  tests <- rbind(sd_row("survdiff_rho0", "", sd0), sd_row("survdiff_rho1", "", sd1))
  if (!is.null(s)) tests <- rbind(tests, sd_row("survdiff_stratified", spec$strata,
                                                survdiff(Surv(t, e) ~ g + strata(s))))
  out(tests, file("tests"))
  oe_rows <- function(test, x) data.frame(test = test, group = lev, n = as.vector(x$n),
                                          observed = x$obs, expected = x$exp)
  out(rbind(oe_rows("survdiff_rho0", sd0), oe_rows("survdiff_rho1", sd1)),
      file("observed_expected"))

  # Cox, group as factor against the first level
  cox_rows <- function(ties, stratified) {
    fit <- if (stratified) coxph(Surv(t, e) ~ g + strata(s), ties = ties)
           else coxph(Surv(t, e) ~ g, ties = ties)
    sm <- summary(fit)
    data.frame(ties = ties, stratified = stratified, term = sub("^g", "", names(coef(fit))),
               coef = unname(coef(fit)), hr = unname(exp(coef(fit))),
               se = unname(sm$coefficients[, "se(coef)"]),
               ci_lower = unname(sm$conf.int[, "lower .95"]),
               ci_upper = unname(sm$conf.int[, "upper .95"]),
               wald_p = unname(sm$coefficients[, "Pr(>|z|)"]),
               lr_chisq = 2 * diff(fit$loglik), score_chisq = fit$score,
               loglik = fit$loglik[2])
  }
  cox <- list()
  for (ties in c("efron", "breslow")) for (stratified in c(FALSE, if (!is.null(s)) TRUE))
    cox[[length(cox) + 1]] <- cox_rows(ties, stratified)
  out(do.call(rbind, cox), file("cox"))

  # weighted log-rank family and trend, unstratified and stratified
  gi <- as.integer(g); scores <- seq_len(k)
  wt <- list(); tr <- list()
  for (stratified in c(FALSE, if (!is.null(s)) TRUE)) for (test in names(WEIGHTS)) {
    uv <- score_sums(t, e, gi, if (stratified) s else NULL, k, test)
    chisq <- drop(uv$U[-1] %*% solve(uv$V[-1, -1, drop = FALSE], uv$U[-1]))
    wt[[length(wt) + 1]] <- data.frame(test = test, stratified = stratified, chisq = chisq,
                                       df = k - 1, p = upper_p(chisq, k - 1))
    z <- sum(scores * uv$U) / sqrt(drop(scores %*% uv$V %*% scores))
    tr[[length(tr) + 1]] <- data.frame(test = test, stratified = stratified,
                                       scores = bar(scores), z = z, chisq = z^2,
                                       p = upper_p(z^2, 1))
  }
  out(do.call(rbind, wt), file("weighted_tests"))
  if (k > 2) out(do.call(rbind, tr), file("trend"))

  # pairwise log-rank (survminer::pairwise_survdiff: stats::pairwise.table over survdiff)
  if (k > 2) {
    pair_p <- function(i, j) {
      keep <- g %in% lev[c(i, j)]
      x <- survdiff(Surv(t[keep], e[keep]) ~ droplevels(g[keep]))
      upper_p(x$chisq, length(x$n) - 1)
    }
    pw <- list()
    for (method in c("none", "holm", "bonferroni", "BH")) {
      m <- pairwise.table(pair_p, lev, method)
      for (j in 2:k) for (i in seq_len(j - 1))
        pw[[length(pw) + 1]] <- data.frame(group1 = lev[i], group2 = lev[j], method = method,
                                           p_value = m[lev[j], lev[i]])
    }
    out(do.call(rbind, pw), file("pairwise"))
  }

  # each group against the reference on those two groups' patients
  hr <- list()
  for (j in 2:k) {
    keep <- g %in% lev[c(1, j)]
    tj <- t[keep]; ej <- e[keep]; gj <- droplevels(g[keep])
    x <- survdiff(Surv(tj, ej) ~ gj)
    oe <- (x$obs[2] / x$exp[2]) / (x$obs[1] / x$exp[1])
    se_oe <- sqrt(1 / x$exp[1] + 1 / x$exp[2])
    v <- x$var[2, 2]; b <- (x$obs[2] - x$exp[2]) / v
    row <- function(model, h, lo, hi) data.frame(group = lev[j], reference = lev[1],
                                                 model = model, hr = h, ci_lower = lo,
                                                 ci_upper = hi)
    hr[[length(hr) + 1]] <- row("logrank_oe", oe, oe * exp(-z975 * se_oe),
                                oe * exp(z975 * se_oe))
    hr[[length(hr) + 1]] <- row("mantel_haenszel", exp(b), exp(b - z975 / sqrt(v)),
                                exp(b + z975 / sqrt(v)))
    for (ties in c("efron", "breslow", "exact")) {
      ci <- summary(coxph(Surv(tj, ej) ~ gj, ties = ties))$conf.int
      hr[[length(hr) + 1]] <- row(paste0("cox_", ties), ci[1, "exp(coef)"],
                                  ci[1, "lower .95"], ci[1, "upper .95"])
    }
  }
  out(do.call(rbind, hr), file("hr_methods"))

  # difference in KM survival against the reference at each landmark
  lg <- summary(survfit(Surv(t, e) ~ g), times = spec$landmarks, extend = TRUE)
  at <- function(level) which(label(as.character(lg$strata)) == level)
  ms <- list()
  for (j in 2:k) {
    a <- at(lev[j]); r <- at(lev[1])
    dif <- lg$surv[a] - lg$surv[r]; se <- sqrt(lg$std.err[a]^2 + lg$std.err[r]^2)
    ms[[length(ms) + 1]] <- data.frame(time = lg$time[a], group = lev[j], reference = lev[1],
                                       difference = dif, ci_lower = dif - z975 * se,
                                       ci_upper = dif + z975 * se,
                                       p_value = 2 * pnorm(-abs(dif / se)))
  }
  out(do.call(rbind, ms), file("milestones"))
}
for (name in names(datasets)) make_dataset(name, datasets[[name]])

# ---------------------------------------------------------------- multivariable Cox, cox.zph
lung_multi <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog")])
lung_multi$event <- as.integer(lung_multi$status == 2)
out(lung_multi, "lung_multi__data.csv", na = "")
m <- coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung_multi)
sm <- summary(m)
out(data.frame(dataset = "lung_multi", term = names(coef(m)), coef = unname(coef(m)),
               hr = unname(exp(coef(m))), se = unname(sm$coefficients[, "se(coef)"]),
               ci_lower = unname(sm$conf.int[, "lower .95"]),
               ci_upper = unname(sm$conf.int[, "upper .95"]),
               wald_p = unname(sm$coefficients[, "Pr(>|z|)"]), n = m$n, events = m$nevent),
    "lung_multi__cox.csv")
zph <- cox.zph(m, transform = "km", terms = FALSE)$table
out(data.frame(dataset = "lung_multi", term = rownames(zph), chisq = zph[, "chisq"],
               df = zph[, "df"], p = zph[, "p"]), "lung_multi__zph.csv")

# ---------------------------------------------------------------- competing risks (cmprsk)
pbc_cr <- pbc[!is.na(pbc$trt), c("id", "time", "status", "trt")]
out(pbc_cr, "pbc_cr__data.csv", na = "")
ci <- cuminc(pbc_cr$time, pbc_cr$status, pbc_cr$trt, cencode = 0)
tp <- timepoints(ci, c(1000, 2000, 3000, 4000))
out(do.call(rbind, lapply(colnames(tp$est), function(time) data.frame(
      group_cause = rownames(tp$est), time = as.numeric(time), cif = tp$est[, time],
      var = tp$var[, time]))), "pbc_cr__cif.csv")
out(data.frame(cause = rownames(ci$Tests), stat = ci$Tests[, "stat"], p = ci$Tests[, "pv"],
               df = ci$Tests[, "df"]), "pbc_cr__gray.csv")

# ---------------------------------------------------------------- the manifest holds
stopifnot(!anyDuplicated(written), setequal(written, FILES))
cat("wrote", length(written), "files to", outdir, "\n")
