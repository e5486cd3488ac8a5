import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../functions/platform/openapi-document.js';

/**
 * Checks a response the API gave against the OpenAPI document: the status is declared for the
 * operation, the content type is one it declares, the body matches its schema (ajv, JSON Schema
 * 2020-12 as OpenAPI 3.1 uses it, with ajv-formats) and the declared headers are there and
 * well formed. A path or method the document does not describe must get API Gateway's 404.
 */

type JsonSchema = Record<string, unknown>;

interface MediaType {
  schema?: JsonSchema;
}
interface HeaderObject {
  required?: boolean;
  schema?: JsonSchema;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, HeaderObject>;
}
interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** A response as the tests see it. */
export interface ObservedResponse {
  method: string;
  url: string;
  status: number;
  /** Header names in any case. */
  headers: Headers | Record<string, string>;
  body: string;
}

const COMPONENTS_ID = 'urn:techops:openapi:components';

/** What API Gateway answers to a path or method no route has (see the document's description). */
const ROUTE_NOT_FOUND: ResponseObject = {
  content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayMessage' } } },
};

interface PathTemplate {
  template: string;
  pattern: RegExp;
  literalSegments: number;
}

function compileTemplate(template: string): PathTemplate {
  const segments = template.split('/');
  const source = segments
    .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return {
    template,
    pattern: new RegExp(`^${source}$`),
    literalSegments: segments.filter((segment) => !segment.startsWith('{')).length,
  };
}

const headerOf = (headers: ObservedResponse['headers'], name: string): string | null => {
  if (headers instanceof Headers) return headers.get(name);
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found ? found[1] : null;
};

const isJson = (mediaType: string) => /^application\/([a-z.+-]+\+)?json$/.test(mediaType);

export class ResponseValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly templates: PathTemplate[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument = buildOpenApiDocument() as never) {
    addFormats.default(this.ajv);
    // OpenAPI's own annotation keyword; zod writes it from .meta({ example }).
    this.ajv.addKeyword({
      keyword: 'example',
      schemaType: ['object', 'array', 'string', 'number', 'boolean'],
    });
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: this.pointAtComponents(document.components.schemas) });
    this.templates = Object.keys(document.paths).map(compileTemplate);
  }

  /** References to `#/components/schemas/X` as references into the schema registered above. */
  private pointAtComponents<T>(schema: T): T {
    return JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`),
    );
  }

  private validatorOf(key: string, schema: JsonSchema): ValidateFunction {
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.compile(this.pointAtComponents(schema));
      this.validators.set(key, validator);
    }
    return validator;
  }

  /** The operation of a method and path, as API Gateway picks it: literal segments win. */
  operationOf(method: string, pathname: string): { template: string; operation: Operation } | undefined {
    const matching = this.templates
      .filter((template) => template.pattern.test(pathname))
      .sort((a, b) => b.literalSegments - a.literalSegments);
    for (const { template } of matching) {
      const operation = this.document.paths[template]?.[method.toLowerCase()];
      if (operation) return { template, operation };
    }
    return undefined;
  }

  /** Every way the response differs from the document; empty when it conforms. */
  mismatchesOf(response: ObservedResponse): string[] {
    const { pathname } = new URL(response.url);
    const found = this.operationOf(response.method, pathname);
    const key = found ? `${found.operation.operationId}` : 'undescribed route';
    const declared = found ? found.operation.responses[String(response.status)] : ROUTE_NOT_FOUND;
    if (!found && response.status !== 404) {
      return [
        `status ${response.status}: a path and method not in the document must answer API Gateway's 404`,
      ];
    }
    if (!declared) {
      const statuses = Object.keys(found?.operation.responses ?? {}).join(', ');
      return [`status ${response.status} is not declared (declared: ${statuses})`];
    }
    return [
      ...this.bodyMismatches(`${key} ${response.status}`, declared, response),
      ...this.headerMismatches(`${key} ${response.status}`, declared, response),
    ];
  }

  private bodyMismatches(key: string, declared: ResponseObject, response: ObservedResponse): string[] {
    const contentType = headerOf(response.headers, 'content-type');
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    const content = declared.content ?? {};
    const declaredTypes = Object.keys(content);
    if (response.body === '') {
      return declaredTypes.length === 0
        ? []
        : [`no body, but the document declares ${declaredTypes.join(', ')}`];
    }
    const media = content[mediaType];
    if (!media) {
      return [
        `content type ${contentType ?? '(none)'} is not declared (declared: ${declaredTypes.join(', ') || 'no body'})`,
      ];
    }
    if (!media.schema) return [];
    let body: unknown = response.body;
    if (isJson(mediaType)) {
      try {
        body = JSON.parse(response.body);
      } catch {
        return [`the ${mediaType} body is not JSON: ${response.body.slice(0, 200)}`];
      }
    }
    const validate = this.validatorOf(`${key} ${mediaType}`, media.schema);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `body${error.instancePath || ''}: ${error.message}${error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : ''}`,
    );
  }

  private headerMismatches(key: string, declared: ResponseObject, response: ObservedResponse): string[] {
    return Object.entries(declared.headers ?? {}).flatMap(([name, header]) => {
      const value = headerOf(response.headers, name);
      if (value === null) return header.required ? [`header ${name} is missing`] : [];
      if (!header.schema) return [];
      const validate = this.validatorOf(`${key} header ${name}`, header.schema);
      return validate(value)
        ? []
        : [`header ${name} ${JSON.stringify(value)}: ${this.ajv.errorsText(validate.errors)}`];
    });
  }

  /** Throws, naming the operation, the status and every mismatch, unless the response conforms. */
  assertConforms(response: ObservedResponse): void {
    const mismatches = this.mismatchesOf(response);
    if (mismatches.length === 0) return;
    const { pathname } = new URL(response.url);
    const found = this.operationOf(response.method, pathname);
    const operation = found
      ? `${response.method} ${found.template} (${found.operation.operationId})`
      : `${response.method} ${pathname} (no such operation)`;
    throw new Error(
      [
        `The response does not match the OpenAPI document: ${operation} answered ${response.status}`,
        ...mismatches.map((mismatch) => `  - ${mismatch}`),
        `  body: ${response.body.slice(0, 500)}`,
      ].join('\n'),
    );
  }
}

let shared: ResponseValidator | undefined;

/** Checks a response the API gave against the OpenAPI document the API serves; throws if it differs. */
export function assertDocumented(response: ObservedResponse): void {
  shared ??= new ResponseValidator();
  shared.assertConforms(response);
}
