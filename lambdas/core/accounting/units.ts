/**
 * Hours in a month, as AWS prices and bills monthly figures: 730 = 24 h × 365 days ÷ 12 months (the month of the
 * AWS Pricing Calculator and of the monthly examples on the AWS pricing pages). Every monthly figure of the product
 * uses it: rightsizing savings a month, the running cost of the product itself (docs/accounting.md).
 */
export const HOURS_PER_MONTH = 730;
