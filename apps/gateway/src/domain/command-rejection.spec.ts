import { rejectionProblem, repairFor } from './command-rejection';

describe('repairFor', () => {
  it('reopens the dispute for refused evidence, fails a refused refund or payout', () => {
    expect(repairFor('dispute.submit_evidence')).toBe('reopen_dispute');
    expect(repairFor('refund.create')).toBe('fail_refund');
    expect(repairFor('payout.create')).toBe('fail_payout');
  });

  it('repairs nothing for refused payment commands: the payment never moved', () => {
    for (const type of [
      'payment.create',
      'payment.capture',
      'payment.cancel',
      'payment.resolve_action',
    ] as const) {
      expect(repairFor(type)).toBe('none');
    }
  });
});

describe('rejectionProblem', () => {
  it("answers 409 with the payments service's code and its reason", () => {
    expect(
      rejectionProblem({
        commandType: 'payment.capture',
        code: 'invalid_state_transition',
        message: 'cannot Capture a payment in status canceled',
      }),
    ).toEqual({
      status: 409,
      type: 'invalid_request_error',
      code: 'invalid_state_transition',
      message: 'The capture was refused: cannot Capture a payment in status canceled',
    });
  });

  it('names an unknown command type plainly', () => {
    const problem = rejectionProblem({ commandType: 'payment.teleport', code: 'x', message: 'no' });
    expect(problem.message).toBe('The command was refused: no');
  });

  it('names the command in the message', () => {
    const problem = rejectionProblem({
      commandType: 'refund.create',
      code: 'payment_not_found',
      message: 'no',
    });
    expect(problem.message).toBe('The refund was refused: no');
  });
});
