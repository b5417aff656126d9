// Replies and GitHub's error bodies: { message, documentation_url, status } (+ errors on 422).

/** What a REST handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
  /** A plain-text body instead of JSON (job logs). */
  raw?: string;
  headers?: Record<string, string>;
}

/** One entry of a 422's `errors` array. */
export interface ValidationIssue {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
}

/** GitHub's generic documentation link (errors not tied to one endpoint). */
export const DOCS = 'https://docs.github.com/rest';

/** Thrown by handlers to answer with a GitHub error; the server turns it into a Reply. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl: string = DOCS,
    readonly errors?: ValidationIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toReply(): Reply {
    // GitHub puts errors before documentation_url and repeats the status as a string.
    const body = {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: this.documentationUrl,
      status: String(this.status),
    };
    return { status: this.status, body, headers: this.headers };
  }
}

export function ok(body: unknown, headers: Record<string, string> = {}): Reply {
  return { status: 200, body, headers };
}

export function created(body: unknown, location: string): Reply {
  return { status: 201, body, headers: { location } };
}

/** GitHub's 404, also used for private repos the caller can't see. */
export function notFound(documentationUrl = DOCS): ApiError {
  return new ApiError(404, 'Not Found', documentationUrl);
}

/** 422 "Validation Failed" with one or more error entries. */
export function validationFailed(documentationUrl: string, ...errors: ValidationIssue[]): ApiError {
  return new ApiError(422, 'Validation Failed', documentationUrl, errors);
}

/** 422 for a body or query that doesn't match the endpoint's schema (GitHub words it "Invalid request."). */
export function invalidRequest(detail: string, documentationUrl = DOCS): ApiError {
  return new ApiError(422, `Invalid request.\n\n${detail}`, documentationUrl);
}

/** Documentation pages GitHub links from each endpoint's errors. */
export const DOC = {
  repo: `${DOCS}/repos/repos#get-a-repository`,
  listIssues: `${DOCS}/issues/issues#list-repository-issues`,
  getIssue: `${DOCS}/issues/issues#get-an-issue`,
  listComments: `${DOCS}/issues/comments#list-issue-comments`,
  createComment: `${DOCS}/issues/comments#create-an-issue-comment`,
  createPull: `${DOCS}/pulls/pulls#create-a-pull-request`,
  listPulls: `${DOCS}/pulls/pulls#list-pull-requests`,
  getPull: `${DOCS}/pulls/pulls#get-a-pull-request`,
  updatePull: `${DOCS}/pulls/pulls#update-a-pull-request`,
  mergePull: `${DOCS}/pulls/pulls#merge-a-pull-request`,
  reviews: `${DOCS}/pulls/reviews#list-reviews-for-a-pull-request`,
  reviewComments: `${DOCS}/pulls/comments#list-review-comments-on-a-pull-request`,
  checkRuns: `${DOCS}/checks/runs#list-check-runs-for-a-git-reference`,
  status: `${DOCS}/commits/statuses#get-the-combined-status-for-a-specific-reference`,
  user: `${DOCS}/users/users#get-the-authenticated-user`,
  rateLimit: `${DOCS}/overview/rate-limits-for-the-rest-api`,
} as const;
