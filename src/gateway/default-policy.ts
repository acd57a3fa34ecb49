/**
 * The policy a new install runs with when no policy file is given. It follows the threat model's advice:
 * block only where evidence is overwhelming (a confident verdict backed by a detected campaign), and prefer
 * degrade, step-up and throttle where it is partial, because a false block of a paying customer is expensive.
 * Kept as YAML text so `moat serve --print-policy` shows exactly what runs and the same parser reads it.
 */
export const DEFAULT_POLICY_YAML = `# moat gateway policy. First matching rule wins; no match = allow.
# Overrides (admin API) and allowlists apply before these rules.
allowlist:
  accounts: []
  orgs: []
rules:
  # A confident extraction verdict inside a detected campaign: overwhelming evidence.
  - name: block-campaign-extraction
    when: { verdict: [extraction], minCampaignScore: 0.7 }
    action: block
  # A campaign member that is not (yet) confident on its own: keep serving (the link may be wrong), but
  # withhold what is worth distilling: no reasoning, small answers.
  - name: degrade-campaign-member
    when: { minCampaignScore: 0.7 }
    action: { type: degrade, maxTokens: 1024, thinkingBudget: 0, reasoningEffort: minimal }
  # Confident on its own but no campaign: keep serving, withhold what is worth distilling.
  - name: degrade-extraction
    when: { verdict: [extraction] }
    action: { type: degrade, maxTokens: 2048, thinkingBudget: 0, reasoningEffort: low }
  # Partial evidence on an unverified account: ask for step-up verification (skipped once verified).
  - name: challenge-suspicious
    when: { verdict: [suspicious], verified: false }
    action: challenge
  # Verified but still suspicious: serve, slower.
  - name: throttle-suspicious-verified
    when: { verdict: [suspicious] }
    action: { type: throttle, account: { perMinute: 20, burst: 10 } }
`;
