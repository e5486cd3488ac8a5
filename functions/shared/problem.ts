import * as z from 'zod';

/**
 * The wire shapes of problem responses (RFC 9457, application/problem+json), for the OpenAPI
 * document: http.ts writes them, the named errors in errors.ts fill them. A refusal that carries
 * extension members (the figures of a budget refusal, the status a transition was refused from)
 * is described by `problemWith` those members, next to the error that sends them.
 */

export const PROBLEM_TYPE_PREFIX = 'urn:techops:problem:';

const problemMembers = {
  type: z
    .string()
    .regex(new RegExp(`^${PROBLEM_TYPE_PREFIX}[a-z-]+$`))
    .describe(`Stable identifier of the kind of problem, e.g. ${PROBLEM_TYPE_PREFIX}validation-error.`),
  title: z.string().describe('Short, human summary of the kind of problem.'),
  status: z.number().int().min(400).max(599).describe('The HTTP status code.'),
  detail: z.string().describe('What went wrong this time, and how to recover.'),
  instance: z.string().describe('The path of the request that was refused.'),
};

/** A problem without extension members. */
export const Problem = z.object(problemMembers).meta({ id: 'Problem' });

/** A problem with the given extension members (each optional where only some refusals carry it). */
export const problemWith = <Shape extends z.ZodRawShape>(extensions: Shape) =>
  z.object({ ...problemMembers, ...extensions });

/** 400: every invalid field at once (validation-error), or the body's size limit (body-too-large). */
export const ValidationProblem = problemWith({
  errors: z
    .array(
      z.object({
        field: z
          .string()
          .describe('Dotted path of the offending field, e.g. estimatedCost.amount; empty for the body.'),
        message: z.string(),
      }),
    )
    .optional()
    .describe('For validation-error: every invalid field.'),
  limitBytes: z.number().int().optional().describe('For body-too-large: the most a body may have.'),
}).meta({ id: 'ValidationProblem' });

/**
 * 409/410 of a state change refused by the state the record is in: what that state is, and
 * where it may go from there. A retry-later conflict ("changed repeatedly while saving") has neither.
 */
export const StateConflictProblem = problemWith({
  currentStatus: z.string().optional().describe('The status the record is in.'),
  allowedTransitions: z
    .array(z.string())
    .optional()
    .describe(
      "Where the record may go from currentStatus: a vendor's statuses, or a request's lifecycle events (e.g. WITHDRAW).",
    ),
  approvalStatus: z.string().optional().describe("The approval's status, when the approval decided it."),
}).meta({ id: 'StateConflictProblem' });

/** The body of the responses API Gateway gives itself (401, 404, 413, 429, 500, 503), never problem+json. */
export const GatewayMessage = z
  .object({ message: z.string().describe('E.g. "Unauthorized", "Not Found", "Too Many Requests".') })
  .meta({ id: 'GatewayMessage' });
