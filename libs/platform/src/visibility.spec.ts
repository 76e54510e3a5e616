import { HttpError } from './http';
import { assertCanWrite, canCoach, canRead, canWrite, managedTeams, readScope, type Viewer } from './visibility';

const a1: Viewer = { id: 'a1', role: 'agent', teams: ['red'] };
const b1: Viewer = { id: 'b1', role: 'agent', teams: ['blue'] };
const m: Viewer = { id: 'm', role: 'manager', teams: ['red'] };
const admin: Viewer = { id: 'root', role: 'admin', teams: [] };
const a2Call = { ownerId: 'a2', teamIds: ['red'] };

const statusOf = (f: () => void): number | null => {
  try {
    f();
    return null;
  } catch (err) {
    return err instanceof HttpError ? err.status : -1;
  }
};

describe('canRead', () => {
  it('lets an agent read their own recordings only, whatever the teams', () => {
    expect(canRead(a1, { ownerId: 'a1', teamIds: ['red'] })).toBe(true);
    expect(canRead(a1, a2Call)).toBe(false);
    expect(canRead(b1, a2Call)).toBe(false);
  });

  it("lets a manager read their own and their teams' recordings, not another team's", () => {
    expect(canRead(m, a2Call)).toBe(true);
    expect(canRead(m, { ownerId: 'm', teamIds: [] })).toBe(true);
    expect(canRead(m, { ownerId: 'b1', teamIds: ['blue'] })).toBe(false);
    expect(canRead(m, { ownerId: 'x', teamIds: null })).toBe(false);
    expect(canRead({ ...m, teams: [] }, a2Call)).toBe(false);
  });

  it('lets an admin read everything, and nobody a recording without an owner but an admin', () => {
    expect(canRead(admin, { ownerId: 'b1', teamIds: ['blue'] })).toBe(true);
    expect(canRead(a1, { ownerId: null })).toBe(false);
  });
});

describe('writes', () => {
  it('are the owner’s and an admin’s', () => {
    expect(canWrite(a1, { ownerId: 'a1' })).toBe(true);
    expect(canWrite(m, a2Call)).toBe(false);
    expect(canWrite(admin, a2Call)).toBe(true);
  });

  it('answer 403 inside the read scope and 404 outside it (or for nothing)', () => {
    expect(statusOf(() => assertCanWrite(m, a2Call, 'x'))).toBe(403);
    expect(statusOf(() => assertCanWrite(b1, a2Call, 'x'))).toBe(404);
    expect(statusOf(() => assertCanWrite(a1, a2Call, 'x'))).toBe(404);
    expect(statusOf(() => assertCanWrite(a1, null, 'x'))).toBe(404);
    expect(statusOf(() => assertCanWrite(a1, { ownerId: 'a1' }, 'x'))).toBeNull();
  });
});

describe('readScope', () => {
  it('is the owner for an agent, owner or team for a manager, everything for an admin', () => {
    expect(readScope(a1)).toEqual({ userId: 'a1' });
    expect(readScope(m)).toEqual({ $or: [{ userId: 'm' }, { teamIds: { $in: ['red'] } }] });
    expect(readScope({ ...m, teams: [] })).toEqual({ userId: 'm' });
    expect(readScope(admin)).toEqual({});
    expect(readScope(m, { owner: 'ownerId', teams: 'teams' })).toEqual({
      $or: [{ ownerId: 'm' }, { teams: { $in: ['red'] } }],
    });
  });
});

describe('managedTeams', () => {
  it('is a manager’s teams, every team for an admin, and a 403 for an agent', () => {
    expect(managedTeams(m)).toEqual(['red']);
    expect(managedTeams(admin)).toBeNull();
    expect(statusOf(() => managedTeams(a1))).toBe(403);
  });
});

describe('canCoach', () => {
  it("lets a manager of one of the recording's teams, or an admin, coach it", () => {
    expect(canCoach(m, a2Call)).toBe(true);
    expect(canCoach(admin, { ownerId: 'b1', teamIds: ['blue'] })).toBe(true);
    expect(canCoach(admin, { ownerId: 'x', teamIds: null })).toBe(true);
  });

  it("refuses agents (the owner too), another team's manager, and recordings without teams", () => {
    expect(canCoach(a1, { ownerId: 'a1', teamIds: ['red'] })).toBe(false);
    expect(canCoach(b1, a2Call)).toBe(false);
    expect(canCoach(m, { ownerId: 'b1', teamIds: ['blue'] })).toBe(false);
    expect(canCoach(m, { ownerId: 'm', teamIds: [] })).toBe(false);
  });
});
