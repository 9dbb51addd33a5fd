/** One assertion for every error response: status, media type, and a well-formed RFC 9457 body. */
import { expect } from 'chai';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extension: string]: unknown;
}

export async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  expect(response.status, 'status').to.equal(status);
  expect(response.headers.get('content-type'), 'media type').to.equal('application/problem+json');
  expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
  const text = await response.text();
  expect(text, 'no stack trace').not.to.match(/\n\s+at |Error:|node_modules|\/src\//);
  const body = JSON.parse(text) as Problem;
  expect(body.status).to.equal(status);
  expect(body.code).to.equal(code);
  expect(body.type).to.be.a('string').and.not.equal('');
  expect(body.title).to.be.a('string').and.not.equal('');
  expect(body.detail).to.be.a('string').and.not.equal('');
  return body;
}
