import type { z } from 'zod';
import type {
  CompetitionSummary,
  CompetitionsResponse,
  StandingsResponse,
} from '../../server/protocol/index.ts';
import type { CourseAction } from '../../server/protocol/course.ts';

/** A staff step of a competition's course, as `POST …/course` takes it. */
export type CourseBody = z.input<typeof CourseAction>;

/** An answer: the HTTP status and the parsed JSON body. */
export interface Answer<T> {
  status: number;
  body: T;
}

/**
 * The server's HTTP API as the tests call it, typed by the wire contract (server/protocol):
 * one client per server and, with `as(token)`, per official. Methods named for an endpoint
 * expect success (2xx) and return the body; `request` returns any status.
 */
export class ApiClient {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  /** The same server as an official (Bearer token). */
  as(token: string): ApiClient {
    return new ApiClient(this.url, token);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<Answer<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  get<T>(path: string): Promise<Answer<T>> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}, contentType?: string): Promise<Answer<T>> {
    return this.request<T>('POST', path, body, contentType);
  }

  /** `GET /api/competitions`. */
  async competitions(): Promise<CompetitionsResponse> {
    return ok(await this.get<CompetitionsResponse>('/api/competitions'));
  }

  /** `GET /api/competitions/:slug/standings`: public, or live with a staff token. */
  async standings(slug: string): Promise<StandingsResponse> {
    return ok(await this.get<StandingsResponse>(`/api/competitions/${slug}/standings`));
  }

  /** `POST /api/competitions/:slug/course`, whatever the answer. */
  course(
    slug: string,
    body: CourseBody,
  ): Promise<Answer<{ error?: string; competition?: CompetitionSummary }>> {
    return this.post(`/api/competitions/${slug}/course`, body);
  }

  /** A course step that must succeed: the competition as it stands after it. */
  async courseOk(slug: string, body: CourseBody): Promise<CompetitionSummary> {
    return ok(await this.course(slug, body)).competition!;
  }
}

/** The body of a 2xx answer; anything else throws with the status and body. */
export function ok<T>(a: Answer<T>): T {
  if (a.status < 200 || a.status > 299)
    throw new Error(`HTTP ${a.status}: ${JSON.stringify(a.body).slice(0, 400)}`);
  return a.body;
}
