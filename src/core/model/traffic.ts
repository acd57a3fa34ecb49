/**
 * The shapes the engine reads: one API exchange (contract §1) and one account (contract §2),
 * already validated at the edge (see `src/contracts/`). The core never parses JSON text itself.
 */

/** One API exchange, exactly as contract §1 defines it. */
export interface TrafficEvent {
  readonly ts: string;
  readonly account_id: string;
  readonly request_id?: string;
  readonly api_key_id?: string;
  readonly org_id?: string;
  readonly ip?: string;
  readonly user_agent?: string;
  readonly endpoint?: string;
  readonly model?: string;
  /** The JSON body the client sent (Anthropic Messages or OpenAI Chat Completions shape), unchanged. */
  readonly request?: Readonly<Record<string, unknown>>;
  readonly prompt?: string;
  readonly status?: number;
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly latency_ms?: number;
}

/** An exchange with its event time parsed once, at the edge. */
export interface TimedEvent {
  /** Event time, epoch milliseconds. */
  readonly t: number;
  readonly event: TrafficEvent;
}

/** One account, exactly as contract §2 defines it. */
export interface AccountRecord {
  readonly account_id: string;
  readonly created_at?: string;
  readonly email?: string;
  readonly email_domain?: string;
  readonly email_hash?: string;
  readonly country?: string;
  readonly payment_fingerprint?: string;
  readonly org_id?: string;
  readonly verified?: boolean;
  readonly signup_ip?: string;
  readonly tier?: string;
}
